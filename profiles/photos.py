"""Profile photos: checked by their content, never by their name or declared type, and
re-encoded, so what is stored and shown is a small JPEG we wrote ourselves, with no metadata
(camera, GPS position) from the original.

Refused, each with its own message: a file over PROFILE_PHOTO_MAX_BYTES; anything Pillow
cannot read as an image; an image of more than PROFILE_PHOTO_MAX_PIXELS (a "decompression
bomb": a small file that expands to gigabytes in memory), found from the header before any
pixel is decoded."""

from __future__ import annotations

import io
import uuid
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

SIDE = 512  # pixels of the stored square
FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


class PhotoRefused(ValueError):
    """str(error) says why, in words for the person."""


def photo_from_upload(upload) -> ContentFile:
    """The photo to store, made from an uploaded file, or PhotoRefused."""
    limit = settings.PROFILE_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise PhotoRefused(
            _("The file is %(size)s; a photo may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    try:
        with warnings.catch_warnings():
            # Pillow warns, then raises, as images grow past its own limit; both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind, (width, height) = probe.format, probe.size
                _check_pixels(width, height)
                probe.verify()  # the whole file, without decoding the pixels
            if kind not in FORMATS:
                raise PhotoRefused(_("Upload a JPEG, PNG, GIF or WebP image."))
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                square = ImageOps.fit(ImageOps.exif_transpose(image), (SIDE, SIDE))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(_too_big_message()) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, PhotoRefused):
            raise
        raise PhotoRefused(
            _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP photo.")
        ) from None
    out = io.BytesIO()
    # A fresh JPEG from the pixels alone: no EXIF, XMP or ICC data is carried over.
    square.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _check_pixels(width: int, height: int) -> None:
    if width * height > settings.PROFILE_PHOTO_MAX_PIXELS:
        raise PhotoRefused(_too_big_message())


def _too_big_message() -> str:
    return _(
        "This image has too many pixels to process safely (at most %(limit)s million). "
        "Upload a smaller photo."
    ) % {"limit": settings.PROFILE_PHOTO_MAX_PIXELS // 1_000_000}


def photo_response(person) -> FileResponse:
    """A person's stored photo, for a view that has checked who may see it; 404 without one."""
    if not person.photo:
        raise Http404
    response = FileResponse(person.photo.open("rb"), content_type="image/jpeg")
    # Only the viewer's own browser keeps it; the URL carries the photo's version.
    patch_cache_control(response, private=True, max_age=3600)
    response["X-Content-Type-Options"] = "nosniff"
    return response
