"""A case's photos: the shared picture check (core.images), with the limits of a case."""

from __future__ import annotations

from baiqianwan.core.images import MAX_BYTES, clean_image


def clean_photo(*, name: str, data: bytes, field: str = "image") -> tuple[bytes, str, int, int]:
    """The stored bytes, their kind ("jpeg"/"png"), width and height; or a Chinese error naming the
    file."""
    return clean_image(name=name, data=data, field=field, max_bytes=MAX_BYTES)


__all__ = ["MAX_BYTES", "clean_photo"]
