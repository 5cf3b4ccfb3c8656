# Goals are not in the Django admin: their text is the pair's own, and site admins see goal
# counts on the relationship health pages like coordinators do.
