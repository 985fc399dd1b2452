"""Evidence photo processing with Pillow (workflow.md §8): accepted types, a metadata-free original and WebP variants.

Processing never fails an upload: a file of an accepted type that Pillow cannot decode is kept exactly as sent and
gets no variants. The one exception is a decompression bomb (issue 14 §2): the header's frame count x pixels is
checked before anything is decoded, and a file over ``MAX_FILE_PIXELS`` is refused (``ImageRefused``, the upload's
400). Of an animated or multi-page image (GIF, WebP, TIFF, APNG, MPO) only the first frame is ever decoded: the stored
original is that still frame. At most ``DECODE_CONCURRENCY`` images are decoded at once per process, so a worker's
decoder memory is bounded by one capped frame.
"""

import io
import logging
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ORIGINAL_RECOMPRESS_ABOVE_BYTES = 2 * 1024 * 1024
JPEG_QUALITY = 90
THUMBNAIL_BOX = (400, 300)
THUMBNAIL_QUALITY = 80
MEDIUM_MAX_WIDTH = 1200
MEDIUM_QUALITY = 85
# Decoding stops (and the file is kept as sent) above this many pixels: a 10 MiB file can hold a decompression bomb.
MAX_DECODE_PIXELS = 60_000_000
# Frames x pixels of the whole file, from its header: above this it is a bomb, not a photo, and refused. Leaves room
# for a phone's MPO (a full-size JPEG plus previews); a GIF of 30 frames of 4000x4000 (480 M) is refused.
MAX_FILE_PIXELS = 4 * MAX_DECODE_PIXELS
DECODE_CONCURRENCY = 1
_decoding = threading.BoundedSemaphore(DECODE_CONCURRENCY)

CONTENT_TYPE_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/bmp": ".bmp",
    "image/tiff": ".tiff",
}
EXTENSION_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".bmp": "image/bmp",
    ".tiff": "image/tiff",
}
# Pillow format → (extension, content type, save options) for re-saving the original in its own format.
SAVE_FORMATS: dict[str, tuple[str, str, dict]] = {
    "JPEG": (".jpg", "image/jpeg", {"quality": JPEG_QUALITY}),
    "PNG": (".png", "image/png", {"optimize": True}),
    "WEBP": (".webp", "image/webp", {"quality": JPEG_QUALITY}),
    "GIF": (".gif", "image/gif", {}),
    "BMP": (".bmp", "image/bmp", {}),
    "TIFF": (".tiff", "image/tiff", {"compression": "tiff_deflate"}),
}
# Formats Pillow reports for files of the accepted types (phone cameras often write MPO, a JPEG with extra frames).
FORMAT_ALIASES = {"MPO": "JPEG"}
# The only ``info`` entries kept when re-saving: they change how pixels render, and carry no personal data.
RENDERING_INFO_KEYS = frozenset({"transparency", "background"})


class ImageRefused(Exception):
    """The file declares more frames x pixels than any photo has (a decompression bomb)."""


@dataclass(frozen=True)
class AcceptedType:
    extension: str
    content_type: str


@dataclass(frozen=True)
class Blob:
    data: bytes
    extension: str
    content_type: str


@dataclass(frozen=True)
class PreparedImage:
    original: Blob
    thumbnail: bytes | None
    medium: bytes | None
    decoded: bool


def accepted_type(*, filename: str, content_type: str | None) -> AcceptedType | None:
    """The accepted image type of an upload by content type or by extension, else None (workflow.md §8)."""
    extension = ""
    if "." in (filename or ""):
        extension = "." + filename.rsplit(".", 1)[1].strip().lower()
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if extension in EXTENSION_CONTENT_TYPES:
        return AcceptedType(extension=extension, content_type=EXTENSION_CONTENT_TYPES[extension])
    if media_type in CONTENT_TYPE_EXTENSIONS:
        return AcceptedType(extension=CONTENT_TYPE_EXTENSIONS[media_type], content_type=media_type)
    return None


def image_prepare(*, data: bytes, declared: AcceptedType) -> PreparedImage:
    """Decode the first frame once; return the stored original (metadata removed when decodable) and the two WebP
    variants. Raises ``ImageRefused`` for a decompression bomb, before any pixel is decoded."""
    as_sent = Blob(data=data, extension=declared.extension, content_type=declared.content_type)
    with _decoding:
        try:
            image = _decode(data)
        except ImageRefused:
            raise
        except Exception as exc:  # any decoder failure degrades to "original only"
            logger.info("evidence image not decodable (%s); stored as sent", type(exc).__name__)
            return PreparedImage(original=as_sent, thumbnail=None, medium=None, decoded=False)
        try:
            original = _clean_original(image, data)
        except Exception:
            logger.warning("could not re-save an evidence image; stored as sent", exc_info=True)
            return PreparedImage(original=as_sent, thumbnail=None, medium=None, decoded=False)
        upright = _first_frame_upright(image)
        return PreparedImage(
            original=original,
            thumbnail=_variant(upright, _thumbnail, "thumbnail"),
            medium=_variant(upright, _medium, "medium"),
            decoded=True,
        )


def _decode(data: bytes) -> Image.Image:
    """Read the header, check the pixel budgets, then decode the first frame only."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        pixels = image.width * image.height
        if pixels * _frames(image) > MAX_FILE_PIXELS:
            logger.warning("evidence image refused: %s frames of %sx%s", _frames(image), image.width, image.height)
            raise ImageRefused("too many frames x pixels")
        if pixels > MAX_DECODE_PIXELS:
            raise Image.DecompressionBombError("image too large to decode")
        if _frames(image) > 1:
            image.seek(0)
        image.load()
    return image


def _format_of(image: Image.Image) -> str:
    name = (image.format or "").upper()
    return FORMAT_ALIASES.get(name, name)


def _frames(image: Image.Image) -> int:
    return getattr(image, "n_frames", 1)


def _stripped(image: Image.Image) -> Image.Image:
    """A copy without EXIF, XMP, ICC, comments or text chunks (savers read only ``info`` and their keywords)."""
    clean = image.copy()
    clean.info = {key: value for key, value in image.info.items() if key in RENDERING_INFO_KEYS}
    return clean


def _first_frame_upright(image: Image.Image) -> Image.Image:
    if _frames(image) > 1:
        image.seek(0)
    upright = ImageOps.exif_transpose(image) or image
    return _stripped(upright)


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode not in {"RGB", "L"} else image


def _web_mode(image: Image.Image) -> Image.Image:
    if image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info):
        return image.convert("RGBA")
    return image.convert("RGB") if image.mode != "RGB" else image


def _save(image: Image.Image, format_name: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format_name, **options)
    return buffer.getvalue()


def _clean_original(image: Image.Image, data: bytes) -> Blob:
    """The first frame, orientation applied and all metadata removed; JPEG 90 when that makes a > 2 MiB file
    smaller."""
    format_name = _format_of(image)
    upright = _first_frame_upright(image)
    if len(data) > ORIGINAL_RECOMPRESS_ABOVE_BYTES:
        as_jpeg = _save(_rgb(upright), "JPEG", quality=JPEG_QUALITY)
        if len(as_jpeg) < len(data):
            return Blob(data=as_jpeg, extension=".jpg", content_type="image/jpeg")
    if format_name not in SAVE_FORMATS:
        # Decodable but outside the six formats (a mislabelled file): a lossless PNG carries no metadata.
        format_name = "PNG"
    extension, content_type, options = SAVE_FORMATS[format_name]
    if format_name == "JPEG":
        upright = _rgb(upright)
    return Blob(data=_save(upright, format_name, **options), extension=extension, content_type=content_type)


def _thumbnail(image: Image.Image) -> bytes:
    thumb = _web_mode(image.copy())
    thumb.thumbnail(THUMBNAIL_BOX, Image.Resampling.LANCZOS)
    return _save(thumb, "WEBP", quality=THUMBNAIL_QUALITY)


def _medium(image: Image.Image) -> bytes:
    medium = _web_mode(image)
    if medium.width > MEDIUM_MAX_WIDTH:
        height = max(1, round(medium.height * MEDIUM_MAX_WIDTH / medium.width))
        medium = medium.resize((MEDIUM_MAX_WIDTH, height), Image.Resampling.LANCZOS)
    return _save(medium, "WEBP", quality=MEDIUM_QUALITY)


def _variant(image: Image.Image, make, name: str) -> bytes | None:
    try:
        return make(image)
    except Exception:
        logger.warning("evidence %s variant failed", name, exc_info=True)
        return None
