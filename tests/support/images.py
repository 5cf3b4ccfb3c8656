"""Image files for upload tests, made on the spot with Pillow."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_TAG = 0x8825


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (800, 600), *, exif: bool = False):
    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam Inc."  # Make
        data[0x0110] = "Model-7"  # Model
        image.save(out, fmt, exif=data.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


def upload(data: bytes, name: str = "me.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims width times height pixels (gigabytes, decoded)."""
    small = image_bytes("PNG", (1, 1))
    ihdr_at = small.index(b"IHDR")
    header = bytearray(small[ihdr_at + 4 : ihdr_at + 17])
    header[0:8] = struct.pack(">II", width, height)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(header)) & 0xFFFFFFFF)
    return small[: ihdr_at + 4] + bytes(header) + crc + small[ihdr_at + 21 :]
