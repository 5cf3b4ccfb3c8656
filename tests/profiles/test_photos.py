"""Profile photos: checked by content, refused with a clear message when they are not an image,
an image bomb or too big; stored re-encoded without metadata; shown only to the pair and its
coordinators; initials when there is none."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from profiles.photos import SIDE, PhotoRefused, photo_from_upload
from tests.factories import PersonFactory, UserFactory
from tests.support.images import image_bytes, png_bomb, upload


def stored_image(content) -> Image.Image:
    return Image.open(io.BytesIO(content.read() if hasattr(content, "read") else content))


def test_a_photo_is_re_encoded_as_a_square_jpeg_without_its_metadata():
    original = image_bytes("JPEG", (1200, 800), exif=True)
    assert b"SpyCam" in original
    photo = photo_from_upload(upload(original))
    data = photo.read()
    assert b"SpyCam" not in data and b"Exif" not in data
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("JPEG", (SIDE, SIDE))
    assert not image.getexif()
    assert photo.name.endswith(".jpg") and "me" not in photo.name


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "WEBP"])
def test_other_common_formats_are_accepted(fmt):
    photo = photo_from_upload(upload(image_bytes(fmt, (300, 300)), name=f"me.{fmt.lower()}"))
    assert Image.open(io.BytesIO(photo.read())).format == "JPEG"


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name():
    with pytest.raises(PhotoRefused, match="not an image we can read"):
        photo_from_upload(upload(b"%PDF-1.7 definitely a picture", name="me.jpg"))


def test_a_truncated_image_is_refused():
    with pytest.raises(PhotoRefused, match="not an image we can read"):
        photo_from_upload(upload(image_bytes("PNG", (400, 400))[:200], name="me.png"))


def test_an_image_bomb_is_refused_from_its_header():
    bomb = png_bomb()
    assert len(bomb) < 200  # tiny on disk, ten billion pixels in memory
    with pytest.raises(PhotoRefused, match="too many pixels"):
        photo_from_upload(upload(bomb, name="me.png", content_type="image/png"))


def test_an_image_over_our_own_pixel_limit_is_refused(settings):
    settings.PROFILE_PHOTO_MAX_PIXELS = 10_000
    with pytest.raises(PhotoRefused, match="too many pixels"):
        photo_from_upload(upload(image_bytes("PNG", (200, 200)), name="me.png"))


def test_an_oversized_file_is_refused_before_it_is_read(settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 2048
    with pytest.raises(PhotoRefused, match=r"The file is .*; a photo may be at most 2\.0\sKB"):
        photo_from_upload(upload(image_bytes("PNG", (300, 300)) + b"\0" * 4096, name="me.png"))


# --- Through the profile page -------------------------------------------------------------------


@pytest.fixture
def person(db):
    return PersonFactory(
        user=UserFactory(email="pat@example.org", first_name="Pat", last_name="Lee")
    )


def post_profile(client, person, photo=None, **extra):
    data = {
        "first_name": person.user.first_name,
        "last_name": person.user.last_name,
        "timezone": "Europe/Berlin",
        "languages": "en; de",
        **extra,
    }
    if photo is not None:
        data["photo"] = photo
    return client.post(reverse("profiles:profile"), data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not an image at all", "not an image we can read"),
        (png_bomb(), "too many pixels"),
        (b"\xff" * 3000, "not an image we can read"),
    ],
)
def test_the_profile_page_shows_why_a_photo_was_refused(client, person, data, message):
    client.force_login(person.user)
    response = post_profile(client, person, upload(data))
    assert response.status_code == 200
    assert message in response.content.decode()
    person.refresh_from_db()
    assert not person.photo


def test_the_profile_page_refuses_an_oversized_file(client, person, settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 2048
    client.force_login(person.user)
    response = post_profile(client, person, upload(image_bytes("JPEG", (900, 900))))
    assert "a photo may be at most 2.0\xa0KB" in response.content.decode()


def test_a_person_uploads_replaces_and_removes_their_photo(
    client, person, django_capture_on_commit_callbacks
):
    client.force_login(person.user)
    page = client.get(reverse("profiles:profile")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert ">PL</span>" in page  # initials until there is a photo
    assert post_profile(client, person, upload(image_bytes(exif=True))).status_code == 302
    person.refresh_from_db()
    first = person.photo.name
    served = client.get(reverse("profiles:my_photo"))
    assert served["Content-Type"] == "image/jpeg"
    assert b"SpyCam" not in b"".join(served.streaming_content)
    # Saving the form again without a file keeps the photo.
    post_profile(client, person)
    person.refresh_from_db()
    assert person.photo.name == first
    with django_capture_on_commit_callbacks(execute=True):
        post_profile(client, person, upload(image_bytes("PNG", (400, 400)), name="x.png"))
    person.refresh_from_db()
    assert person.photo.name != first
    assert not person.photo.storage.exists(first)  # the replaced file is gone
    post_profile(client, person, remove_photo="on")
    person.refresh_from_db()
    assert not person.photo
    assert client.get(reverse("profiles:my_photo")).status_code == 404
