"""Checks an uploaded picture is a real image of acceptable size before anything is stored."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from heyi.core.errors import InvalidInput

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000


def picture_validate(*, picture: UploadedFile) -> None:
    """Raise InvalidInput unless the file is a JPEG, PNG, WebP or GIF within the size limit."""
    limit = settings.HEYI_MAX_PICTURE_BYTES
    if picture.size is None or picture.size > limit:
        raise InvalidInput(
            _("The picture is too large: the limit is %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            code="picture_too_large",
        )
    try:
        picture.seek(0)
        with Image.open(picture) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise InvalidInput(
            _("The file is not a picture we can read (JPEG, PNG, WebP or GIF)."),
            code="picture_invalid",
        ) from error
    finally:
        picture.seek(0)
    if image_format not in ALLOWED_FORMATS or width * height > MAX_PIXELS:
        raise InvalidInput(
            _("The file is not a picture we can read (JPEG, PNG, WebP or GIF)."),
            code="picture_invalid",
        )
