"""Photos of a case are judged by their pixels: a real JPEG or PNG is stored re-encoded, without its
metadata (where and when it was taken) or anything hidden after the image; anything else — text, HTML,
SVG, a broken or truncated file, a polyglot, a picture too large to decode safely — is refused by name,
with nothing stored; a case holds at most six."""

from __future__ import annotations

import io
import os
import struct
import zlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from baiqianwan.outreach.models import CasePhoto
from baiqianwan.outreach.publicity import services

from .conftest import case, picture

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _stored(photo: CasePhoto) -> bytes:
    with photo.image.open("rb") as stored:
        return stored.read()


def _exif_jpeg(orientation: int | None = None, size: tuple[int, int] = (120, 80)) -> bytes:
    image = Image.new("RGB", size, (90, 160, 70))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0132] = "2025:06:01 10:00:00"  # DateTime
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (24.0, 21.0, 10.0), 3: "E", 4: (116.0, 41.0, 5.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bomb_png(side: int) -> bytes:
    """A 1-bit black PNG of side × side pixels: a few tens of kilobytes that decode to side² pixels."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def test_a_real_png_and_jpeg_are_stored_re_encoded(cast: dict[str, Any]) -> None:
    made = case(cast)
    png = services.photo_add(
        acting_user=cast["county"],
        case_id=made.pk,
        name="园区.png",
        data=picture("PNG"),
        caption="示范园全景",
    )
    jpeg = services.photo_add(acting_user=cast["county"], case_id=made.pk, name="培训.jpg", data=picture())
    assert (png.kind, png.width, png.height, png.position, png.caption) == ("png", 120, 80, 1, "示范园全景")
    assert (jpeg.kind, jpeg.position) == ("jpeg", 2)
    assert _stored(png).startswith(b"\x89PNG")
    assert str(png.image.name).endswith(".png")
    assert _stored(jpeg).startswith(b"\xff\xd8\xff")
    assert str(jpeg.image.name).endswith(".jpg")
    # A large photo is stored at most 1600 pixels on its longer side.
    big = services.photo_add(
        acting_user=cast["county"], case_id=made.pk, name="大图.jpg", data=picture(size=(3200, 1800))
    )
    assert (big.width, big.height) == (1600, 900)


def test_exif_and_gps_are_gone_from_the_stored_jpeg(cast: dict[str, Any]) -> None:
    data = _exif_jpeg()
    with Image.open(io.BytesIO(data)) as original:  # the upload does carry them
        assert original.getexif().get_ifd(GPS_IFD)
        assert original.getexif()[0x010F] == "PhoneMaker"
    photo = services.photo_add(acting_user=cast["county"], case_id=case(cast).pk, name="现场.jpg", data=data)
    stored = _stored(photo)
    assert b"Exif" not in stored
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as kept:
        assert not kept.getexif()
        assert "exif" not in kept.info


def test_a_photo_taken_upright_stays_upright_once_its_metadata_is_dropped(cast: dict[str, Any]) -> None:
    """A phone stores a portrait photo sideways and says so in EXIF (orientation 6): the pixels are
    turned before the metadata is dropped, or the case would show it lying on its side."""
    data = _exif_jpeg(orientation=6, size=(120, 80))
    photo = services.photo_add(acting_user=cast["county"], case_id=case(cast).pk, name="竖拍.jpg", data=data)
    assert (photo.width, photo.height) == (80, 120)


def test_a_picture_after_which_html_was_appended_is_stored_without_it(cast: dict[str, Any]) -> None:
    data = picture() + b"<html><script>alert(document.cookie)</script></html>"
    photo = services.photo_add(acting_user=cast["county"], case_id=case(cast).pk, name="尾巴.jpg", data=data)
    assert b"<script>" not in _stored(photo)


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("说明.jpg", "这是一段文字，不是照片。".encode(), "不是JPG 图片、PNG 图片"),
        ("页面.jpg", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "按文件内容判断"),
        (
            "矢量.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>',
            "按文件内容判断",
        ),
        ("空.jpg", b"", "空文件"),
        ("截断.jpg", picture(size=(400, 300))[:600], "不是完好的图片"),
        ("伪装.jpg", b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>", "不是完好的图片"),
        ("伪装.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>", "不是完好的图片"),
        ("炸弹.png", _bomb_png(20_000), "尺寸过大"),
        ("超大.png", _bomb_png(9_000), "尺寸过大（9000×9000）"),
    ],
)
def test_what_is_not_a_sound_photo_is_refused_by_name_and_nothing_is_stored(
    cast: dict[str, Any], name: str, data: bytes, says: str
) -> None:
    made = case(cast)
    version = made.version
    with pytest.raises(ValidationError) as exc:
        services.photo_add(acting_user=cast["county"], case_id=made.pk, name=name, data=data)
    message = exc.value.message_dict["image"][0]
    assert says in message, message
    assert name in message, message
    assert not CasePhoto.objects.exists()
    made.refresh_from_db()
    assert made.version == version


def test_a_bomb_is_tiny_in_bytes() -> None:
    assert len(_bomb_png(20_000)) < 200_000


def test_six_photos_at_most_and_only_while_the_case_can_be_edited(cast: dict[str, Any]) -> None:
    made = case(cast)
    for n in range(services.MAX_PHOTOS):
        services.photo_add(acting_user=cast["county"], case_id=made.pk, name=f"{n}.jpg", data=picture())
    with pytest.raises(ValidationError) as exc:
        services.photo_add(acting_user=cast["county"], case_id=made.pk, name="7.jpg", data=picture())
    assert exc.value.message_dict["image"] == ["每个案例最多 6 张照片"]
    assert made.photos.count() == 6
    services.case_submit(acting_user=cast["county"], case_id=made.pk)
    first = made.photos.first()
    assert first is not None
    with pytest.raises(PermissionDenied):
        services.photo_remove(acting_user=cast["county"], photo_id=first.pk)
    for who in ("xuwen", "org", "town"):
        with pytest.raises(PermissionDenied):
            services.photo_add(acting_user=cast[who], case_id=made.pk, name="x.jpg", data=picture())
    assert made.photos.count() == 6


def test_a_photo_is_removed_with_its_file(cast: dict[str, Any], media: Any) -> None:
    made = case(cast, photo=True)
    photo = made.photos.get()
    path = photo.image.path
    with pytest.raises(PermissionDenied):
        services.photo_remove(acting_user=cast["xuwen"], photo_id=photo.pk)
    services.photo_remove(acting_user=cast["county"], photo_id=photo.pk)
    assert not made.photos.exists()
    assert not os.path.exists(path)
