"""No image can exhaust a worker's memory (issue 14 §2): frames x pixels are checked from the header before anything
is decoded, only the first frame of an animated or multi-page image is ever decoded, and the upload size is checked
from ``Content-Length`` before the body is read."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from projects.evidence.images import MAX_FILE_PIXELS, AcceptedType, ImageRefused, image_prepare
from projects.models import Evidence
from vejapro.core.models import AuditLog

BASE_DIR = Path(__file__).resolve().parents[2]
URL = "/api/v1/upload-evidence"
GIF = AcceptedType(extension=".gif", content_type="image/gif")


def many_frame_gif(frames: int, size: tuple[int, int]) -> bytes:
    """A GIF of ``frames`` full-size frames, built from one encoded frame repeated (the probe's was 379 KiB for 30
    frames of 4000x4000): cheap to make, each frame decodes to the full canvas."""
    frame = Image.new("P", size, 1)
    frame.putpalette([0, 0, 0, 40, 160, 60] + [0] * 762)
    buffer = io.BytesIO()
    frame.save(buffer, format="GIF")
    single = buffer.getvalue()
    table = 3 * 2 ** ((single[10] & 0x07) + 1) if single[10] & 0x80 else 0
    position = 13 + table
    while single[position] == 0x21:  # skip extension blocks up to the image descriptor
        position += 2
        while single[position]:
            position += single[position] + 1
        position += 1
    assert single[position] == 0x2C
    assert single[-1] == 0x3B
    image_block = single[position:-1]
    return single[:position] + image_block * frames + b";"


def upload(client, project_id, data: bytes, name="bomb.gif", content_type="image/gif"):
    payload = {"project_id": str(project_id), "category": "SITE_BEFORE"}
    payload["file"] = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(URL, payload)


def test_the_helper_builds_what_it_says():
    image = Image.open(io.BytesIO(many_frame_gif(5, (300, 200))))

    assert (image.n_frames, image.size) == (5, (300, 200))


PROBE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from projects.evidence.images import AcceptedType, ImageRefused, image_prepare
data = open(sys.argv[2], "rb").read()
start = time.monotonic()
try:
    image_prepare(data=data, declared=AcceptedType(extension=".gif", content_type="image/gif"))
    outcome = "prepared"
except ImageRefused:
    outcome = "refused"
# VmHWM: this process's peak resident memory since its exec (ru_maxrss would include the forking parent's).
peak_kib = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"outcome": outcome, "seconds": time.monotonic() - start, "max_rss_mib": peak_kib / 1024}))
"""


def prepare_in_a_process(tmp_path, data: bytes) -> dict:
    """``image_prepare`` in a fresh process, whose peak memory is its own (Pillow allocates outside Python)."""
    path = tmp_path / "image.gif"
    path.write_bytes(data)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE, str(BASE_DIR), str(path)], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(result.stdout)


def test_the_probes_gif_is_refused_before_anything_is_decoded(tmp_path):
    bomb = many_frame_gif(30, (4000, 4000))
    assert len(bomb) < 1024 * 1024  # well under the 10 MiB upload limit

    measured = prepare_in_a_process(tmp_path, bomb)

    assert measured["outcome"] == "refused"
    assert measured["seconds"] < 5
    assert measured["max_rss_mib"] < 64  # decoding one frame alone would take 16 MiB, all of them 2 GiB and more


def test_an_animated_image_under_the_budget_decodes_only_its_first_frame(tmp_path):
    data = many_frame_gif(12, (4000, 4000))  # 192 M pixels in all, 16 M per frame
    assert MAX_FILE_PIXELS >= 12 * 4000 * 4000

    measured = prepare_in_a_process(tmp_path, data)

    assert measured["outcome"] == "prepared"
    assert measured["max_rss_mib"] < 300  # one 4000x4000 frame and its copies; all twelve would need far more


def test_frames_times_pixels_over_the_budget_is_refused():
    with pytest.raises(ImageRefused):
        image_prepare(data=many_frame_gif(16, (4000, 4000)), declared=GIF)


def test_the_stored_original_of_an_animation_is_its_first_frame():
    frames = [Image.new("RGB", (64, 48), color) for color in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)

    prepared = image_prepare(data=buffer.getvalue(), declared=GIF)

    original = Image.open(io.BytesIO(prepared.original.data))
    assert prepared.decoded
    assert getattr(original, "n_frames", 1) == 1
    assert original.convert("RGB").getpixel((10, 10))[0] > 150  # the red first frame
    assert prepared.thumbnail is not None
    assert prepared.medium is not None


@pytest.mark.django_db
def test_the_upload_answers_400_for_a_bomb_and_stores_nothing(api, settings, make_owned_project, admin_user):
    project = make_owned_project()

    response = upload(api(admin_user), project.pk, many_frame_gif(30, (4000, 4000)))

    assert response.status_code == 400
    assert response.json() == {"detail": "Nepalaikomas failo tipas"}
    assert not Evidence.objects.exists()
    assert not AuditLog.objects.filter(action="UPLOAD_EVIDENCE").exists()
    assert not (Path(settings.MEDIA_ROOT) / "evidences").exists()


class UnreadableBody:
    """A request body that must not be read."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
@pytest.mark.parametrize("path", [URL, "/api/v1/no-such-endpoint", "/admin/login/"])
def test_an_oversized_multipart_body_is_refused_before_it_is_read(api, admin_user, path):
    response = api(admin_user).post(
        path,
        data=b"x",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(20 * 1024 * 1024),
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 413
    if path.startswith("/api/"):
        assert response.json() == {"detail": "File is too large"}
