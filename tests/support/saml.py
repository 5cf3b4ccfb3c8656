"""A real SAML 2.0 identity provider in a process of its own, for the single sign-on tests:
pysaml2's IdP (tests/support/saml_idp.py) with a key and self-signed certificate made at start,
served by gunicorn on a free port of 127.0.0.1. Signing needs xmlsec1 (Debian's package)."""

from __future__ import annotations

import datetime
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from tests.support.oidc import ProviderPerson, private_key, private_key_pem
from tests.support.served import GunicornProcess, free_port

SP_METADATA = """<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"
      AuthnRequestsSigned="false" WantAssertionsSigned="true">
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:AssertionConsumerService index="1" Location="{acs}"
        Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
"""


def self_signed_certificate(key) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-saml-idp")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class SamlIdentityProvider:
    """`sp_entity_id` and `acs_url` are the site's (its metadata URL and assertion consumer)."""

    sp_entity_id: str
    acs_url: str
    people: list[ProviderPerson]
    port: int = field(default_factory=free_port)
    folder: tempfile.TemporaryDirectory = field(default_factory=tempfile.TemporaryDirectory)
    certificate: str = ""
    server: GunicornProcess | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/metadata"

    @property
    def sso_url(self) -> str:
        return f"{self.base_url}/sso/redirect"

    @property
    def certificate_body(self) -> str:
        """The certificate as SAML metadata and allauth's settings carry it: base64, no armour."""
        return "".join(line for line in self.certificate.splitlines() if "-----" not in line)

    def start(self) -> SamlIdentityProvider:
        folder = Path(self.folder.name)
        key = private_key()
        self.certificate = self_signed_certificate(key)
        (folder / "idp.key").write_text(private_key_pem(key))
        (folder / "idp.crt").write_text(self.certificate)
        (folder / "sp.xml").write_text(
            SP_METADATA.format(entity_id=self.sp_entity_id, acs=self.acs_url)
        )
        env = os.environ | {
            "SAML_IDP_BASE_URL": self.base_url,
            "SAML_IDP_KEY": str(folder / "idp.key"),
            "SAML_IDP_CERT": str(folder / "idp.crt"),
            "SAML_IDP_SP_METADATA": str(folder / "sp.xml"),
            "SAML_IDP_PEOPLE": json.dumps([person.__dict__ for person in self.people]),
        }
        self.server = GunicornProcess(
            "tests.support.saml_idp:application",
            port=self.port,
            env=env,
            log=folder / "idp.log",
        ).start(ready_url=f"{self.sso_url}?SAMLRequest=probe")
        return self

    def stop(self) -> None:
        if self.server:
            self.server.stop()
        self.folder.cleanup()
