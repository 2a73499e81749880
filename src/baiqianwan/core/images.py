"""Uploaded pictures (a case's photos, the evidence of an objection from the public) are judged by
their pixels: the bytes must start like a JPEG or PNG, decode as one, and stay within a size a phone
takes; what is stored is re-encoded from the decoded pixels, so no metadata (where and when it was
taken, the camera) and nothing hidden after the image survives."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

from .files import check_upload

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 12_000
MAX_PIXELS = 50_000_000  # 5 × a 10-megapixel photo: larger ones are refused before decoding
STORED_SIDE = 1600


def clean_image(
    *, name: str, data: bytes, field: str = "image", max_bytes: int = MAX_BYTES
) -> tuple[bytes, str, int, int]:
    """The stored bytes, their kind ("jpeg"/"png"), width and height; or a Chinese error naming the
    file."""
    check_upload(name=name, data=data, allowed=("jpeg", "png"), max_bytes=max_bytes, field=field)
    broken = ValidationError({field: gettext("“{name}”不是完好的图片，无法读取").format(name=name)})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height, format_ = probe.width, probe.height, probe.format
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise ValidationError(
                    {
                        field: gettext("“{name}”尺寸过大（{w}×{h}），请缩小到 {n} 万像素以内").format(
                            name=name, w=width, h=height, n=MAX_PIXELS // 10_000
                        )
                    }
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            kind = "png" if format_ == "PNG" else "jpeg"
            # The stored copy keeps no EXIF, so a photo the camera saved sideways with an orientation
            # tag (a phone held upright) is turned first, or it would show lying on its side.
            upright = ImageOps.exif_transpose(image) or image
            picture = upright.convert(
                "RGBA" if kind == "png" and image.mode in ("RGBA", "LA", "P") else "RGB"
            )
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow refuses to open one this large before its size can be read: say so, not "broken".
        raise ValidationError(
            {
                field: gettext("“{name}”尺寸过大，请缩小到 {n} 万像素以内").format(
                    name=name, n=MAX_PIXELS // 10_000
                )
            }
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise broken from None
    picture.thumbnail((STORED_SIDE, STORED_SIDE))
    out = io.BytesIO()
    if kind == "png":
        picture.save(out, format="PNG", optimize=True)
    else:
        picture.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), kind, picture.width, picture.height
