"""What a domain refuses is a DomainError, and views show any of them as the person's error
message in one place (core.errors.refusal_shown)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from core.errors import DomainError, refusal_shown
from matching.loading import MatchingError
from programs.services import TransitionError as EnrolmentRefused
from relationships.pairing import PairingRefused
from relationships.services import TransitionError
from scheduling.services import SchedulingError
from sessions.services import SessionAlreadyLogged


@pytest.mark.parametrize(
    "error",
    [MatchingError, PairingRefused, TransitionError, EnrolmentRefused, SchedulingError,
     SessionAlreadyLogged],
)  # fmt: skip
def test_every_apps_refusal_is_a_domain_error(error):
    assert issubclass(error, DomainError)


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_refusal_becomes_the_persons_message_and_the_outcome_says_so(request_):
    with refusal_shown(request_) as done:
        raise PairingRefused(["Ann and Bob cannot be paired."])

    assert not done
    assert [str(m) for m in get_messages(request_)] == ["Ann and Bob cannot be paired."]


def test_success_leaves_no_message(request_):
    with refusal_shown(request_) as done:
        pass

    assert done
    assert list(get_messages(request_)) == []


def test_anything_else_is_not_swallowed(request_):
    with pytest.raises(KeyError), refusal_shown(request_):
        raise KeyError("a bug, not a refusal")
