from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from wuxing.core.uploads import PATH_MARK


def _name_seen_by_view(sent_name: str) -> str:
    request = RequestFactory().post("/", {"file": SimpleUploadedFile("placeholder.pdf", b"%PDF-1.7")})
    # Rewrite the multipart body so the client sends exactly `sent_name`.
    body = request.body.replace(b'filename="placeholder.pdf"', f'filename="{sent_name}"'.encode())
    request = RequestFactory().generic("POST", "/", body, content_type=request.META["CONTENT_TYPE"])
    return request.FILES["file"].name


def test_a_plain_name_reaches_the_view_unchanged():
    assert _name_seen_by_view("台账.pdf") == "台账.pdf"


def test_a_name_with_folders_is_marked_not_silently_renamed():
    assert _name_seen_by_view("../../etc/x.pdf") == PATH_MARK + "x.pdf"
    assert _name_seen_by_view("..\\..\\boot.pdf") == PATH_MARK + "boot.pdf"
