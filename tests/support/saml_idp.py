"""A tiny SAML 2.0 identity provider (pysaml2) as a WSGI app, for the single sign-on tests:
tests/support/saml.py starts it under gunicorn with its key, certificate, the site's metadata
and its people in the environment. It signs real responses and assertions (xmlsec1)."""

from __future__ import annotations

import html
import json
import os
from urllib.parse import parse_qs

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import AUTHN_PASSWORD, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

BASE = os.environ["SAML_IDP_BASE_URL"]
PEOPLE = {person["username"]: person for person in json.loads(os.environ["SAML_IDP_PEOPLE"])}
CONFIG = IdPConfig()
CONFIG.load(
    {
        "entityid": f"{BASE}/metadata",
        "service": {
            "idp": {
                "endpoints": {
                    "single_sign_on_service": [(f"{BASE}/sso/redirect", BINDING_HTTP_REDIRECT)]
                },
                "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
            }
        },
        "key_file": os.environ["SAML_IDP_KEY"],
        "cert_file": os.environ["SAML_IDP_CERT"],
        "metadata": {"local": [os.environ["SAML_IDP_SP_METADATA"]]},
        "xmlsec_binary": "/usr/bin/xmlsec1",
    }
)
IDP = Server(config=CONFIG)

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Test SAML identity provider</title><link rel="icon" href="data:,"></head><body>
<h1>Test SAML identity provider</h1><form method="post" action="/sso/login">
<input type="hidden" name="SAMLRequest" value="{request}">
<input type="hidden" name="RelayState" value="{relay}">
<p><label for="username">Username</label> <input id="username" name="username"></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password"></p>
<p>{error}</p><button type="submit">Log in</button></form></body></html>"""


def respond(start_response, body: str, status: str = "200 OK"):
    start_response(status, [("Content-Type", "text/html; charset=utf-8")])
    return [body.encode()]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/sso/redirect":
        query = parse_qs(environ.get("QUERY_STRING", ""))
        return respond(
            start_response,
            PAGE.format(
                request=html.escape(query["SAMLRequest"][0]),
                relay=html.escape(query.get("RelayState", [""])[0]),
                error="",
            ),
        )
    if path == "/sso/login" and environ["REQUEST_METHOD"] == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
        person = PEOPLE.get(form.get("username", ""))
        if person is None or person["password"] != form.get("password"):
            page = PAGE.format(
                request=html.escape(form["SAMLRequest"]),
                relay=html.escape(form.get("RelayState", "")),
                error="Wrong username or password.",
            )
            return respond(start_response, page, "401 Unauthorized")
        request = IDP.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
        args = IDP.response_args(request.message, [BINDING_HTTP_POST])
        args.pop("name_id_policy", None)
        response = IDP.create_authn_response(
            identity={
                "mail": [person["email"]],
                "givenName": [person["first_name"]],
                "sn": [person["last_name"]],
            },
            userid=person["email"],
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=person["email"]),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": BASE},
            sign_response=True,
            sign_assertion=True,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            **args,
        )
        http_args = IDP.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            args["destination"],
            form.get("RelayState", ""),
            response=True,
        )
        return respond(start_response, http_args["data"])
    if path == "/favicon.ico":  # asked for by the auto-submitting page, which has no icon link
        start_response("204 No Content", [])
        return [b""]
    return respond(start_response, "Not found", "404 Not Found")
