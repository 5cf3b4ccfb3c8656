"""A tiny OpenID Connect provider (django-oauth-toolkit) that the single sign-on tests start
as a process of its own: see tests/support/oidc.py."""
