"""Core pages and allauth's account pages."""

from __future__ import annotations

from tests.permissions import Case, anonymous_only, everyone, signed_in

CASES: dict[str, Case] = {
    "portal:home": Case(everyone(302)),
    "portal:dashboard": Case(signed_in(200)),
    "core:healthz": Case(everyone(200)),
    "account_login": Case(anonymous_only(200)),
    "account_signup": Case(anonymous_only(200)),
    "account_logout": Case(everyone(200, anonymous=302)),
    "account_inactive": Case(everyone(200)),
    "account_reauthenticate": Case(signed_in(200)),
    "account_email": Case(signed_in(200)),
    "account_email_verification_sent": Case(everyone(200)),
    "account_change_password": Case(signed_in(200)),
    "account_set_password": Case(signed_in(302)),
    "account_reset_password": Case(everyone(200)),
    "account_reset_password_done": Case(everyone(200)),
    "account_reset_password_from_key": Case(
        everyone(200), lambda world: {"uidb36": "0", "key": "not-a-key"}
    ),
    "account_reset_password_from_key_done": Case(everyone(200)),
    "account_confirm_email": Case(everyone(200), lambda world: {"key": "not-a-key"}),
    "account_request_login_code": Case(anonymous_only(200)),
    "account_confirm_login_code": Case(everyone(302)),
    "mfa_index": Case(signed_in(200)),
    # Setting up asks to confirm who one is first (force_login records no sign-in time).
    "mfa_activate_totp": Case(signed_in(302)),
    "mfa_generate_recovery_codes": Case(signed_in(302)),
    # Nothing to turn off or show without an authenticator.
    "mfa_deactivate_totp": Case(signed_in(404)),
    "mfa_view_recovery_codes": Case(signed_in(404)),
    "mfa_download_recovery_codes": Case(signed_in(404)),
    # Steps of signing in and confirming who one is: without a pending sign-in, back to start.
    "mfa_authenticate": Case(everyone(302)),
    "mfa_reauthenticate": Case(signed_in(302)),
    # An identity provider nobody configured under that id.
    "openid_connect_login": Case(everyone(404), lambda world: {"provider_id": "unknown"}),
    "openid_connect_callback": Case(everyone(404), lambda world: {"provider_id": "unknown"}),
    "saml_login": Case(everyone(404), lambda world: {"organization_slug": "unknown"}),
    # The identity provider posts here; a visit without its answer goes to the error page.
    "saml_acs": Case(everyone(302), lambda world: {"organization_slug": "unknown"}),
    "saml_finish_acs": Case(everyone(404), lambda world: {"organization_slug": "unknown"}),
    "saml_sls": Case(everyone(404), lambda world: {"organization_slug": "unknown"}),
    "saml_metadata": Case(everyone(404), lambda world: {"organization_slug": "unknown"}),
    "socialaccount_connections": Case(signed_in(200)),
    "socialaccount_login_cancelled": Case(everyone(200)),
    "socialaccount_login_error": Case(everyone(401)),
    # Only reached in the middle of a sign-in through an identity provider.
    "socialaccount_signup": Case(everyone(302)),
}
