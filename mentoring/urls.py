from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin login goes through allauth, so its rate limits protect it too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Mentoring administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("core.urls")),
    path("", include("portal.urls")),
    path("", include("profiles.urls")),
    path("", include("programs.urls")),
    path("", include("scheduling.urls")),
    path("", include("notifications.urls")),
    path("", include("relationships.urls")),
    path("", include("goals.urls")),
    path("", include("sessions.urls")),
    path("", include("matching.urls")),
    path("", include("flash.urls")),
    path("", include("reports.urls")),
    path("", include("api.urls")),
]

# Pages get the site's 404 page; the API's addresses get JSON.
handler404 = "api.views.page_not_found"
