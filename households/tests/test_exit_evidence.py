"""Evidence on exit steps (issue 17): 民主评议 minutes, the signed confirmation, the 公示 photo — PDF/JPG/PNG
checked by content, listed in the case, served only within the household's scope, required where the
district office says so."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import User
from households.models import ExitEvidence, ExitEvidenceRule, ExitStage, Household

from .test_exit import YEAR

TODAY = timezone.localdate()  # the service judges dates in Asia/Shanghai
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def propose(client: Client, household: Household, evidence: SimpleUploadedFile | None = None) -> object:
    data = {
        "propose-income_year": str(YEAR),
        "propose-deliberation_date": str(TODAY),
        "propose-attendance": "21",
    }
    if evidence is not None:
        data["propose-evidence"] = evidence
    return client.post(f"/households/{household.pk}/exit/propose/", data)


def test_minutes_attached_to_the_proposal_are_listed_and_served_in_scope(
    client: Client,
    ready: Household,
    alice: User,
    bob: User,
    dora: User,
) -> None:
    client.force_login(alice)
    minutes = SimpleUploadedFile("民主评议记录.pdf", PDF, content_type="application/pdf")
    assert propose(client, ready, minutes).status_code == 302
    evidence = ExitEvidence.objects.get()
    assert (evidence.step, evidence.kind, evidence.original_name) == ("propose", "pdf", "民主评议记录.pdf")
    assert "民主评议记录.pdf" not in evidence.file.name  # stored under a random name
    client.force_login(dora)  # the district office sees it where it approves
    page = client.get(f"/households/{ready.pk}/exit/").content.decode()
    assert "民主评议记录.pdf" in page
    url = f"/households/{ready.pk}/exit/evidence/{evidence.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(bob)  # the other town
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (403, 405)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("会议记录.pdf", b"just some text, not a PDF", id="a text file named .pdf"),
        pytest.param("公示.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", id="a GIF named .png"),
        pytest.param("记录.docx", b"PK\x03\x04 word document", id="a Word document"),
    ],
)
def test_anything_but_a_pdf_or_image_is_refused_and_nothing_is_kept(
    client: Client,
    ready: Household,
    alice: User,
    name: str,
    content: bytes,
) -> None:
    client.force_login(alice)
    response = propose(client, ready, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert "PDF、JPG 或 PNG" in response.content.decode() or "只接受 JPG 或 PNG" in response.content.decode()
    assert not ready.exit_cases.exists()
    assert not ExitEvidence.objects.exists()


def test_a_step_the_district_requires_evidence_for_is_refused_without_it(
    client: Client,
    ready: Household,
    alice: User,
) -> None:
    ExitEvidenceRule.objects.filter(step="confirm").update(required=True)
    client.force_login(alice)
    assert propose(client, ready).status_code == 302  # not required: no attachment needed
    assert client.post(f"/households/{ready.pk}/exit/verify/", {"verify-note": "入户"}).status_code == 302
    page = client.get(f"/households/{ready.pk}/exit/").content.decode()
    assert "区扶贫办要求以下环节上传附件：农户签字确认书" in page
    response = client.post(f"/households/{ready.pk}/exit/confirm/", {"confirm-note": "户主签字"})
    assert response.status_code == 400
    assert "要求“农户确认（签字确认书）”环节上传附件" in response.content.decode()
    assert ready.exit_cases.get().stage == ExitStage.VERIFIED
    signed = SimpleUploadedFile("确认书.png", png(), content_type="image/png")
    response = client.post(
        f"/households/{ready.pk}/exit/confirm/", {"confirm-note": "户主签字", "confirm-evidence": signed}
    )
    assert response.status_code == 302
    assert ready.exit_cases.get().stage == ExitStage.CONFIRMED
    assert ExitEvidence.objects.get().kind == "png"
    start, end = TODAY - timedelta(days=9), TODAY - timedelta(days=1)
    photo = SimpleUploadedFile("公示照片.png", png())
    data = {"publicize-start": str(start), "publicize-end": str(end), "publicize-evidence": photo}
    assert client.post(f"/households/{ready.pk}/exit/publicize/", data).status_code == 302
    assert list(ExitEvidence.objects.values_list("step", flat=True)) == ["confirm", "publicize"]


def test_the_district_office_sets_the_requirement_in_the_admin(client: Client, dora: User, alice: User) -> None:
    client.force_login(dora)
    assert client.get("/admin/households/exitevidencerule/").status_code == 200
    client.force_login(alice)
    assert client.get("/admin/households/exitevidencerule/", follow=True).status_code == 403
