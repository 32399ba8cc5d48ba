"""The backup file: a gzipped tar whose first member, `manifest.json`, names every other member
with its size and SHA-256, so a corrupt, truncated or edited file is refused before anything
is restored from it.
"""
import hashlib
import io
import json
import os
import tarfile
import zlib
from pathlib import Path

FORMAT = "frontline-ideas-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class BadArchive(Exception):
    """The file is not a whole, unaltered backup; nothing was restored from it."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write(target: Path, members: dict[str, Path], about: dict) -> dict:
    """Write `members` (archive name -> file) and their manifest to `target`, atomically; the manifest."""
    manifest = {"format": FORMAT, "version": VERSION, **about,
                "members": {name: {"size": path.stat().st_size, "sha256": _sha256(path)}
                            for name, path in members.items()}}
    data = json.dumps(manifest, indent=2, sort_keys=True).encode()
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with tarfile.open(partial, "w:gz") as tar:
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
            for name, path in members.items():
                tar.add(path, arcname=name, recursive=False)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def read(source: Path, into: Path) -> dict:
    """Check `source` whole and unpack its members into the folder `into`; its manifest, or BadArchive."""
    try:
        with tarfile.open(source, "r:gz") as tar:
            manifest = _manifest(tar)
            expected = manifest["members"]
            seen = set()
            for info in tar:
                if info.name == MANIFEST:
                    continue
                if info.name not in expected or info.name in seen or not info.isfile():
                    raise BadArchive(f"it holds {info.name!r}, which its manifest does not list")
                _unpack(tar, info, into / info.name, expected[info.name])
                seen.add(info.name)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BadArchive(f"it is damaged or cut short ({error})") from None
    if missing := sorted(set(expected) - seen):
        raise BadArchive(f"it lacks {', '.join(missing)}, which its manifest lists")
    return manifest


def _manifest(tar: tarfile.TarFile) -> dict:
    first = tar.next()
    if first is None or first.name != MANIFEST:
        raise BadArchive(f"it does not begin with {MANIFEST}, so it is not a Frontline Ideas backup")
    try:
        manifest = json.loads(tar.extractfile(first).read())
        members = manifest["members"]
        ok = (manifest["format"] == FORMAT and isinstance(members, dict)
              and all(set(m) == {"size", "sha256"} and "/" not in name and name not in {"", ".", ".."}
                      for name, m in members.items()))
    except (ValueError, KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise BadArchive("its manifest is not readable")
    if manifest.get("version") != VERSION:
        raise BadArchive(f"it is format version {manifest.get('version')!r}; this release reads version {VERSION}")
    return manifest


def _unpack(tar: tarfile.TarFile, info: tarfile.TarInfo, target: Path, expected: dict) -> None:
    digest, size = hashlib.sha256(), 0
    source = tar.extractfile(info)
    with open(target, "wb") as handle:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise BadArchive(f"{info.name} does not match the SHA-256 its manifest gives: the file was altered")
