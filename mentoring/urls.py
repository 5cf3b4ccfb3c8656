from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from allauth.socialaccount import views as socialaccount_views
from allauth.urls import build_provider_urlpatterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

# The admin login goes through allauth, so its rate limits protect it too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Mentoring administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("scim/v2/", include("governance.urls")),
    # allauth's parts one by one: its catch-all `allauth.urls` adds unnamed legacy redirects.
    path("accounts/", include("allauth.account.urls")),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    # allauth forgot to open this page to the signed-out people it is for (a failed sign-in).
    path(
        "accounts/3rdparty/login/error/",
        login_not_required(socialaccount_views.login_error),
        name="socialaccount_login_error",
    ),
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    path("accounts/", include(build_provider_urlpatterns())),
    path("", include("core.urls")),
    path("", include("portal.urls")),
    path("", include("profiles.urls")),
    path("", include("programs.urls")),
    path("", include("scheduling.urls")),
    path("", include("notifications.urls")),
    path("", include("jobs.urls")),
    path("", include("relationships.urls")),
    path("", include("goals.urls")),
    path("", include("sessions.urls")),
    path("", include("conversations.urls")),
    path("", include("matching.urls")),
    path("", include("flash.urls")),
    path("", include("reports.urls")),
    path("privacy/", include("governance.privacy_urls")),
    path("", include("api.urls")),
]

# Pages get the site's 404 page; the API's addresses get JSON.
handler404 = "api.views.page_not_found"
