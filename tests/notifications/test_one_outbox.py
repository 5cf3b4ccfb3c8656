"""Every email goes through the outbox: nothing outside notifications talks to Django's mail
API, and each app registers the kinds of mail it sends from its own module."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from notifications import registry

ROOT = Path(__file__).resolve().parents[2]
# Not the project's code (tests may build messages to test the outbox), or the outbox itself.
SKIPPED = {"tests", "notifications", "node_modules", "var", "migrations", "__pycache__"}
MAIL_NAMES = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
}


def project_sources():
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in SKIPPED and not d.startswith(".")]
        for name in files:
            if name.endswith(".py"):
                yield Path(folder) / name


def mail_api_uses(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if node.module.startswith("django.core.mail") or (
                node.module == "django.core" and "mail" in names
            ):
                found.append((node.lineno, f"from {node.module} import …"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("django.core.mail"):
                    found.append((node.lineno, f"import {alias.name}"))
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in MAIL_NAMES:
                found.append((node.lineno, name))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            # A message's send() or a connection's send_messages(); a signal's send() always
            # names its sender, so it is not taken for one.
            keywords = {k.arg for k in node.keywords}
            if node.func.attr == "send_messages" or (
                node.func.attr == "send" and not node.args and keywords <= {"fail_silently"}
            ):
                found.append((node.lineno, f".{node.func.attr}()"))
    return found


def test_the_scan_finds_what_it_looks_for():
    offending = (
        "from django.core.mail import EmailMessage\n"
        "from django.core import mail\n"
        "message = render_email('x', to=[], context={})\n"
        "message.send()\n"
        "mail.send_mail('s', 'b', None, ['a@example.org'])\n"
    )
    harmless = "signal.send(sender=None)\nfrom core.emails import absolute_url\n"
    assert [line for line, _ in mail_api_uses(ast.parse(offending))] == [1, 2, 4, 5]
    assert mail_api_uses(ast.parse(harmless)) == []


def test_no_code_outside_notifications_calls_the_mail_api():
    sources = list(project_sources())
    assert any(path.match("programs/services.py") for path in sources)  # it does look
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in sources
        for line, what in mail_api_uses(ast.parse(path.read_text(), str(path)))
    ]
    assert offenders == [], "send mail through notifications.services.dispatches_create_now"


def test_each_app_registers_the_mail_it_sends_from_its_own_module():
    registered = {name: kind.build.__module__ for name, kind in registry.KINDS.items()}
    assert registered == {
        "program_invitation": "programs.messages",
        "application_decision": "programs.messages",
        "match_published": "matching.messages",
        "request_received": "matching.messages",
        "request_answered": "matching.messages",
        "request_reminder": "matching.messages",
        "request_expired": "matching.messages",
        "meeting_invite": "scheduling.messages",
        "meeting_cancelled": "scheduling.messages",
        "meeting_reminder": "scheduling.messages",
        "meeting_followup": "scheduling.messages",
        "goal_checkin": "goals.messages",
        "nudge": "relationships.messages",
        "pulse": "relationships.messages",
        "digest": "portal.messages",
        "pair_messages": "conversations.messages",
        "message_reported": "conversations.messages",
        "partner_left": "governance.messages",
        "flash_schedule_ready": "flash.messages",
        "monthly_report": "reports.messages",
    }
