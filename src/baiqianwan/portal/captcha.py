"""An offline picture check for the public forms: four characters drawn with noise into a PNG by
Pillow (nothing fetched from elsewhere — intranets have no internet). The answer is kept hashed in
the visitor's session and is good for one try and ten minutes."""

from __future__ import annotations

import hashlib
import io
import random
import secrets
import time
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXY"  # no 0/O, 1/I/L: told apart on a small screen
LENGTH = 4
LIFETIME = 600
SESSION_KEY = "portal_captcha"


def _digest(answer: str) -> str:
    return hashlib.sha256(answer.strip().upper().encode()).hexdigest()


def new_image(session: Any) -> bytes:
    """A new challenge for this session, as a PNG."""
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    session[SESSION_KEY] = {"digest": _digest(answer), "at": time.time()}
    rng = random.Random(secrets.randbits(32))
    width, height = 150, 54
    image = Image.new("RGB", (width, height), (246, 248, 251))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.line(
            [(rng.randrange(width), rng.randrange(height)), (rng.randrange(width), rng.randrange(height))],
            fill=(rng.randrange(120, 200), rng.randrange(120, 200), rng.randrange(120, 200)),
            width=2,
        )
    font = ImageFont.load_default(size=32)
    for index, char in enumerate(answer):
        glyph = Image.new("RGBA", (40, 48), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 4), char, font=font, fill=(20, 50, 90, 255))
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (8 + index * 34 + rng.randrange(-3, 4), rng.randrange(0, 6)), glyph)
    for _ in range(120):
        draw.point((rng.randrange(width), rng.randrange(height)), fill=(90, 90, 90))
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def passed(session: Any, answer: Any) -> bool:
    """Whether the answer matches this session's challenge; the challenge is used up either way."""
    challenge = session.pop(SESSION_KEY, None)
    if not challenge or time.time() - float(challenge.get("at", 0)) > LIFETIME:
        return False
    return secrets.compare_digest(str(challenge.get("digest", "")), _digest(str(answer or "")))
