"""Backup and restore of the database and the uploaded files, as one .tar.gz.

PostgreSQL goes through pg_dump/pg_restore (custom format); SQLite through its online backup API,
so a running system can be backed up. The archive holds `database.*`, the `media/` tree and a
`manifest.json` with row counts and file hashes, which restore checks before it reports success.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection


class BackupError(RuntimeError):
    pass


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


# Models that moved between apps with their tables: an archive made before the move names them by the old label.
MOVED = {"creation.campaign": "campaigns.campaign"}


def _current_labels(rows: dict[str, int]) -> dict[str, int]:
    return {MOVED.get(label, label): n for label, n in rows.items()}


def row_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.label_lower] = model._default_manager.count()
    return counts


def media_hashes(root: Path) -> dict[str, str]:
    out = {}
    if root.exists():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def backup(target: Path) -> dict:
    """Write the archive to `target`; returns its manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if _engine() == "postgresql":
            args, env = _pg_env()
            dump = tmp / "database.pgdump"
            result = subprocess.run(["pg_dump", *args, "-Fc", "-f", str(dump), settings.DATABASES["default"]["NAME"]],
                                    env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            dump = tmp / "database.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(dump) as out:
                connection.connection.backup(out)  # consistent even while the app is running
        manifest = {"engine": _engine(), "rows": row_counts(), "media": media_hashes(media)}
        with tarfile.open(target, "w:gz") as tar:
            tar.add(dump, arcname=dump.name)
            if media.exists():
                tar.add(media, arcname="media")
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return manifest


def _safe_members(tar: tarfile.TarFile):
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or member.issym() or member.islnk():
            raise BackupError(f"unsafe path in archive: {member.name}")
        yield member


def restore(source: Path) -> dict:
    """Replace the database and the uploaded files with the archive's; verify the manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(source, "r:gz") as tar:
        tmp = Path(tmp)
        tar.extractall(tmp, members=list(_safe_members(tar)))
        manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
        if manifest["engine"] != _engine():
            raise BackupError(f"archive is a {manifest['engine']} backup; this system runs {_engine()}")
        if _engine() == "postgresql":
            args, env = _pg_env()
            connection.close()
            result = subprocess.run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "-d",
                                     settings.DATABASES["default"]["NAME"], str(tmp / "database.pgdump")],
                                    env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()[:2000]}")
        else:
            connection.ensure_connection()
            with sqlite3.connect(tmp / "database.sqlite3") as src:
                src.backup(connection.connection)
        if media.exists():
            shutil.rmtree(media)
        if (tmp / "media").exists():
            shutil.copytree(tmp / "media", media)
        connection.close()
    counts, files = row_counts(), media_hashes(media)
    if counts != _current_labels(manifest["rows"]) or files != manifest["media"]:
        raise BackupError("restored data does not match the archive's manifest")
    return manifest
