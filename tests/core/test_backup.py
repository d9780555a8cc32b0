"""Backup and restore round trip on the configured database (SQLite and PostgreSQL in CI)."""

import hashlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import make_campaign, make_world
from wuxing.core.audit import verify
from wuxing.core.backup import media_hashes, row_counts
from wuxing.core.models import AuditEvent
from wuxing.evaluation.services import add_evidence
from wuxing.orgs.models import OrgUnit


def _with_old_labels(archive: Path, tmp_path: Path) -> Path:
    import json
    import tarfile

    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    manifest = next(unpacked.rglob("manifest.json"))
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["rows"]["creation.campaign"] = data["rows"].pop("campaigns.campaign")
    manifest.write_text(json.dumps(data), encoding="utf-8")
    old = tmp_path / "old-labels.tar.gz"
    with tarfile.open(old, "w:gz") as tar:
        for item in sorted(unpacked.iterdir()):
            tar.add(item, arcname=item.name)
    return old


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_gives_back_every_row_and_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    campaign = make_campaign(world)
    pdf = b"%PDF-1.7\n" + b"x" * 300
    add_evidence(world.branch_user, campaign, world.community, "U-PAFZ-01", "台账.pdf", pdf)
    before_rows, before_files = row_counts(), media_hashes(Path(settings.MEDIA_ROOT))
    before_chain = list(AuditEvent.objects.order_by("seq").values_list("seq", "hash"))
    paths = sorted(OrgUnit.objects.values_list("code", "path"))
    archive = tmp_path / "wuxing-backup.tar.gz"
    call_command("backup", str(archive))
    assert archive.stat().st_size > 0 and len(before_files) == 1

    call_command("flush", interactive=False, verbosity=0)
    for f in Path(settings.MEDIA_ROOT).rglob("*"):
        if f.is_file():
            f.unlink()
    assert OrgUnit.objects.count() == 0

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    # An archive made before the campaign year moved to the campaigns app names it creation.campaign.
    archive = _with_old_labels(archive, tmp_path)
    call_command("restore", str(archive), "--yes")
    assert row_counts() == before_rows
    assert media_hashes(Path(settings.MEDIA_ROOT)) == before_files
    assert sorted(OrgUnit.objects.values_list("code", "path")) == paths
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "hash")) == before_chain
    assert verify().ok
    stored = next(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == hashlib.sha256(pdf).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_an_archive_with_a_path_outside_its_folder_is_refused(settings, tmp_path):
    import io
    import tarfile

    settings.MEDIA_ROOT = tmp_path / "media"
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"x"
        info = tarfile.TarInfo("../../etc/evil")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="unsafe path"):
        call_command("restore", str(archive), "--yes")
