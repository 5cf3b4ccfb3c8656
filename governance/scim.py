"""SCIM 2.0 (RFC 7643/7644) for the identity provider: it creates, updates and deactivates
people. scim2-models parses, validates, patches, filters and serialises the resources; these
views store them (ScimIdentity) and copy what the product uses onto the user and their
directory record."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    Error,
    ETag,
    Extension,
    Filter,
    ListResponse,
    Meta,
    Patch,
    PatchOp,
    ResourceType,
    ResponseParameters,
    Schema,
    SCIMException,
    ScimFilter,
    SearchRequest,
    ServiceProviderConfig,
    Sort,
    User,
)

from core.dateranges import calendar_date_error
from governance import services
from governance.models import ScimIdentity
from profiles.services import HrRecord


class HrUser(Extension):
    """HR's data that the product measures retention with (reports.retention)."""

    __schema__ = URN("urn:mentoring:params:scim:schemas:extension:hr:2.0:User")

    grade: str | None = None
    """The person's grade or level, as HR names it (e.g. G7)."""

    left_on: dt.datetime | None = None
    """The day the person left the organisation (a date is enough: 2027-03-31)."""


ScimUser = User[EnterpriseUser | HrUser]
CONTENT_TYPE = "application/scim+json"
MAX_RESULTS = 200


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def _response(payload: dict[str, Any] | None, status: int = 200, **headers: str) -> HttpResponse:
    body = "" if payload is None else json.dumps(payload)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    error = Error(status=status, detail=detail, scim_type=scim_type)
    response = _response(error.model_dump(), status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def scim_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Bearer-token authentication, SCIM errors, no CSRF (no cookie is involved)."""

    @csrf_exempt
    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return _error(401, "A bearer token is required.")
        token = services.scim_token_authenticate(secret=secret.strip())
        if token is None:
            return _error(401, "The bearer token is not valid.")
        request.scim_token = token
        try:
            return view(request, *args, **kwargs)
        except ScimError as exc:
            return _error(exc.status, exc.detail, exc.scim_type)
        except SCIMException as exc:
            error = exc.to_error()
            return _error(int(error.status or 400), error.detail or str(exc), error.scim_type)
        except ValidationError as exc:
            first = exc.errors()[0] if exc.errors() else {}
            error = Error.from_validation_error(first) if first else None
            if error is not None and error.status:
                return _error(int(error.status), error.detail or str(exc), error.scim_type)
            return _error(400, str(exc), "invalidValue")

    return wrapped


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("scim:root")).rstrip("/")


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ScimError(400, "The body is not JSON.", "invalidSyntax") from exc
    if not isinstance(data, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    return data


def _parameters(request: HttpRequest) -> ResponseParameters:
    return ResponseParameters.model_validate(
        {
            key: request.GET[key]
            for key in ("attributes", "excludedAttributes")
            if request.GET.get(key)
        }
    )


# --- Discovery ---------------------------------------------------------------------------------


def _user_schema() -> Schema:
    schema = User.to_schema()
    for attribute in schema.attributes or []:
        # The email address is how a person signs in and how HR's import finds them.
        if attribute.name == "emails":
            attribute.required = True
            for sub in attribute.sub_attributes or []:
                if sub.name == "value":
                    sub.required = True
    return schema


def _schemas(base: str) -> list[Schema]:
    schemas = [_user_schema(), EnterpriseUser.to_schema(), HrUser.to_schema()]
    for schema in schemas:
        schema.meta = Meta(resource_type="Schema", location=f"{base}/Schemas/{schema.id}")
    return schemas


def _resource_type(base: str) -> ResourceType:
    resource_type = ResourceType.from_resource(ScimUser)
    resource_type.meta = Meta(resource_type="ResourceType", location=f"{base}/ResourceTypes/User")
    return resource_type


def _only_get(request: HttpRequest) -> None:
    if request.method != "GET":
        raise ScimError(405, "Only GET is allowed here.")


@scim_view
def service_provider_config(request: HttpRequest) -> HttpResponse:
    _only_get(request)
    config = ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A token a site admin makes (admin, or manage.py scim_token).",
                primary=True,
            )
        ],
        meta=Meta(
            resource_type="ServiceProviderConfig",
            location=f"{_base(request)}/ServiceProviderConfig",
        ),
    )
    return _response(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _listing(kind: type, resources: list) -> dict[str, Any]:
    return ListResponse[kind](
        total_results=len(resources),
        start_index=1,
        items_per_page=len(resources),
        resources=resources,
    ).model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


@scim_view
def resource_types(request: HttpRequest, name: str | None = None) -> HttpResponse:
    _only_get(request)
    resource_type = _resource_type(_base(request))
    if name is None:
        return _response(_listing(ResourceType, [resource_type]))
    if name != resource_type.id:
        raise ScimError(404, f"No resource type {name}.")
    return _response(resource_type.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_view
def schemas(request: HttpRequest, urn: str | None = None) -> HttpResponse:
    _only_get(request)
    found = _schemas(_base(request))
    if urn is None:
        return _response(_listing(Schema, found))
    for schema in found:
        if schema.id == urn:
            return _response(schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise ScimError(404, f"No schema {urn}.")


@scim_view
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    raise ScimError(404, "There is nothing at this address.")


# --- Users -------------------------------------------------------------------------------------

MANAGER = f"{EnterpriseUser.__schema__}:manager"


def _manager_reference(value: object, base: str) -> object:
    """Entra ID and Okta send the manager as a bare id, or without `$ref`: complete it."""
    if isinstance(value, str) and value:
        return {"value": value, "$ref": f"{base}/Users/{value}"}
    if isinstance(value, dict) and value.get("value") and not value.get("$ref"):
        return {**value, "$ref": f"{base}/Users/{value['value']}"}
    return value


def _with_manager_references(data: dict[str, Any], base: str) -> dict[str, Any]:
    extension = data.get(str(EnterpriseUser.__schema__))
    if isinstance(extension, dict) and "manager" in extension:
        extension["manager"] = _manager_reference(extension["manager"], base)
    for operation in data.get("Operations") or []:
        if not isinstance(operation, dict):
            continue
        path = str(operation.get("path") or "")
        if path.lower() == MANAGER.lower():
            operation["value"] = _manager_reference(operation.get("value"), base)
        elif path.lower() == f"{MANAGER}.value".lower():
            operation["path"] = MANAGER
            operation["value"] = _manager_reference(operation.get("value"), base)
    return data


def _as_resource(identity: ScimIdentity, base: str) -> ScimUser:
    resource = ScimUser.model_validate(identity.resource, scim_ctx=None)
    resource.id = str(identity.id)
    # A deactivation made here (or by DELETE's leaver rules) shows; otherwise what was sent.
    if "active" in identity.resource or not identity.user.is_active:
        resource.active = identity.user.is_active
    resource.meta = Meta(
        resource_type="User",
        created=identity.created_at,
        last_modified=identity.updated_at,
        location=f"{base}/Users/{identity.id}",
    )
    return resource


def _dump(resource: ScimUser, context: Context, parameters: ResponseParameters | None = None):
    return resource.model_dump(scim_ctx=context, response_parameters=parameters)


def _identity(pk: str) -> ScimIdentity:
    try:
        return ScimIdentity.objects.select_related("user").get(pk=pk)
    except (ScimIdentity.DoesNotExist, ValueError, TypeError) as exc:
        raise ScimError(404, f"No user {pk}.") from exc
    except Exception as exc:  # a malformed UUID raises ValidationError
        raise ScimError(404, f"No user {pk}.") from exc


def _manager_id(resource: ScimUser) -> str | None:
    enterprise = resource[EnterpriseUser]
    if enterprise is None or enterprise.manager is None:
        return None
    return enterprise.manager.value or None


def _hr_record(resource: ScimUser) -> HrRecord | None:
    """The grade and leaving date the resource sets; None when it leaves the extension out, so
    a provider that does not know it never erases what HR's import wrote."""
    hr = resource[HrUser]
    if hr is None:
        return None
    left_on = None
    if hr.left_on is not None:
        moment = hr.left_on
        left_on = timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
        if message := calendar_date_error(left_on):
            raise ScimError(400, f"leftOn: {message}", "invalidValue")
    return HrRecord(grade=(hr.grade or "").strip(), left_on=left_on)


def _save(request: HttpRequest, resource: ScimUser, identity: ScimIdentity | None) -> ScimIdentity:
    stored = resource.model_dump(scim_ctx=None, mode="json", exclude_none=True)
    for key in ("id", "meta", "password"):
        stored.pop(key, None)
    enterprise = resource[EnterpriseUser]
    try:
        return services.scim_identity_save(
            identity=identity,
            user_name=resource.user_name or "",
            external_id=resource.external_id or "",
            email=_primary_email(resource),
            first_name=(resource.name.given_name or "") if resource.name else "",
            last_name=(resource.name.family_name or "") if resource.name else "",
            active=resource.active is not False,
            department=(enterprise.department or "") if enterprise else "",
            manager_id=_manager_id(resource),
            hr=_hr_record(resource),
            resource=stored,
            actor=None,
        )
    except services.ScimRefused as exc:
        raise ScimError(exc.status, str(exc), exc.scim_type) from exc


def _primary_email(resource: ScimUser) -> str:
    emails = [e for e in resource.emails or [] if e.value]
    primary = next((e for e in emails if e.primary), emails[0] if emails else None)
    if primary is None:
        raise ScimError(400, "An email address is required.", "invalidValue")
    return str(primary.value)


@scim_view
def users(request: HttpRequest) -> HttpResponse:
    base = _base(request)
    if request.method == "POST":
        resource = ScimUser.model_validate(
            _with_manager_references(_json(request), base),
            scim_ctx=Context.RESOURCE_CREATION_REQUEST,
        )
        with transaction.atomic():
            identity = _save(request, resource, None)
        created = _as_resource(identity, base)
        return _response(
            _dump(created, Context.RESOURCE_CREATION_RESPONSE, _parameters(request)),
            201,
            Location=str(created.meta.location),
        )
    if request.method != "GET":
        raise ScimError(405, "Use GET or POST here.")
    return _search(
        request,
        SearchRequest.model_validate(
            {
                key: request.GET[key]
                for key in ("attributes", "excludedAttributes", "filter", "startIndex", "count")
                if request.GET.get(key)
            },
            scim_ctx=Context.SEARCH_REQUEST,
        ),
    )


@scim_view
def users_search(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        raise ScimError(405, "Only POST is allowed here.")
    return _search(
        request, SearchRequest.model_validate(_json(request), scim_ctx=Context.SEARCH_REQUEST)
    )


def _search(request: HttpRequest, search: SearchRequest) -> HttpResponse:
    base = _base(request)
    scim_filter = ScimFilter[ScimUser](search.filter) if search.filter else None
    found = []
    for identity in ScimIdentity.objects.select_related("user").order_by("created_at"):
        resource = _as_resource(identity, base)
        if scim_filter is None or scim_filter.match(resource):
            found.append(resource)
    start = max(search.start_index or 1, 1)
    count = min(MAX_RESULTS if search.count is None else max(search.count, 0), MAX_RESULTS)
    page = found[start - 1 : start - 1 + count]
    payload = ListResponse[ScimUser](
        total_results=len(found),
        start_index=start,
        items_per_page=len(page),
        resources=page,
    ).model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search)
    return _response(payload)


@scim_view
def user(request: HttpRequest, pk: str) -> HttpResponse:
    base = _base(request)
    with transaction.atomic():
        identity = _identity(pk)
        if request.method == "GET":
            return _response(
                _dump(
                    _as_resource(identity, base),
                    Context.RESOURCE_QUERY_RESPONSE,
                    _parameters(request),
                )
            )
        if request.method == "PUT":
            replacement = ScimUser.model_validate(
                _with_manager_references(_json(request), base),
                scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST,
            )
            replacement.replace(_as_resource(identity, base))
            identity = _save(request, replacement, identity)
            context = Context.RESOURCE_REPLACEMENT_RESPONSE
        elif request.method == "PATCH":
            patch = PatchOp[ScimUser].model_validate(
                _with_manager_references(_json(request), base),
                scim_ctx=Context.RESOURCE_PATCH_REQUEST,
            )
            resource = _as_resource(identity, base)
            patch.patch(resource)
            identity = _save(request, resource, identity)
            context = Context.RESOURCE_PATCH_RESPONSE
        elif request.method == "DELETE":
            services.scim_identity_delete(identity=identity, actor=None)
            return _response(None, 204)
        else:
            raise ScimError(405, "Use GET, PUT, PATCH or DELETE here.")
    return _response(_dump(_as_resource(identity, base), context, _parameters(request)))
