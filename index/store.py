"""The index folder on disk: versioned builds, a manifest, and an atomic switch-over.

    INDEX_DIR/CURRENT            name of the live version (replaced atomically)
    INDEX_DIR/v-.../manifest.json  embedder, dimension, counts, corpus hash, file checksums
    INDEX_DIR/v-.../*              the files the manifest lists

A build writes a new version folder and only then points CURRENT at it, so a build that
fails or is killed leaves the previous index loadable. Loading checks every file against
the manifest before anything is served.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

try:
    import fcntl
except ImportError:  # Windows: builds still lock (filelock); versions being read are not protected
    fcntl = None

from unqa.ingest import corpus_files, find_manifest

FORMAT_VERSION = 2  # 2: documents.json
CURRENT = "CURRENT"
MANIFEST = "manifest.json"


class IndexLoadError(Exception):
    """The index cannot be used; the message says why and what to do."""


@dataclass
class IndexManifest:
    format_version: int
    embedder: str
    dim: int
    record_count: int
    unit_count: int
    sentence_count: int
    corpus_hash: str
    dense_type: str
    lexical_tokenizer: str
    context: str
    retriever: str
    built_at: str
    documents: list[str] = field(default_factory=list)
    files: dict[str, dict] = field(default_factory=dict)  # name -> {"size", "sha256"}
    failed_files: list[str] = field(default_factory=list)  # corpus files left out: "name: reason"


def corpus_hash(corpus_dir: str | Path) -> str:
    """sha256 over the manifest (if any) and every file of the folder, by name."""
    corpus_dir = Path(corpus_dir)
    h = hashlib.sha256()
    manifest = find_manifest(corpus_dir)
    if manifest is not None:
        h.update(manifest.read_bytes())
    for path in corpus_files(corpus_dir):
        h.update(path.name.encode("utf-8") + b"\0")
        with open(path, "rb") as fh:
            h.update(hashlib.file_digest(fh, "sha256").digest())
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class IndexBuildError(Exception):
    """A build could not finish; the previous index (if any) is untouched and still served."""


BUILD_LOCK = ".build.lock"
IN_USE = ".in-use"  # in each version: readers hold a shared lock on it while they load that version


def _check_folder(index_dir: Path) -> None:
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexLoadError(f"the index folder {index_dir} is a file, not a folder: give another --index-dir")


@contextmanager
def building(index_dir: str | Path) -> Iterator[Path]:
    """A fresh folder for one build, under the index folder's build lock.

    A second build of the same folder is refused while this one runs. Whatever stops the build
    (an error, a full disk, Ctrl-C) removes its folder; leftovers of killed builds are removed
    by the next build, which is safe because it holds the lock."""
    index_dir = Path(index_dir)
    _check_folder(index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(index_dir / BUILD_LOCK)
        lock.acquire(timeout=0)
    except Timeout:
        raise IndexBuildError(f"another build of {index_dir} is running: wait for it to finish, "
                              "or build into another --index-dir") from None
    except OSError as exc:
        raise IndexBuildError(f"cannot build in {index_dir}: {exc.strerror or exc}") from None
    build_dir = None
    try:
        for stale in [*index_dir.glob(".build-*"), *index_dir.glob(".trash-*")]:  # left by killed processes
            shutil.rmtree(stale, ignore_errors=True)
        for stale in index_dir.glob(".CURRENT.*"):
            stale.unlink(missing_ok=True)
        build_dir = index_dir / f".build-{uuid.uuid4().hex[:12]}"
        build_dir.mkdir()
        yield build_dir
    except BaseException as exc:
        if build_dir is not None:
            shutil.rmtree(build_dir, ignore_errors=True)
        if isinstance(exc, (OSError, RuntimeError)):
            # OSError from Python, RuntimeError from FAISS's writers ("... write error ... (No space left)")
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).strip().splitlines()[-1]
            raise IndexBuildError(f"building the index in {index_dir} failed and was undone ({reason}); "
                                  "the previous index, if any, is unchanged") from None
        raise
    finally:
        lock.release()


def commit_build(index_dir: Path, build_dir: Path, manifest: IndexManifest) -> Path:
    """Checksum the files, write the manifest, then switch CURRENT to the new version.

    Older versions are removed unless a process is loading one (it holds its IN_USE lock);
    those are left for a later build to remove."""
    for f in sorted(build_dir.rglob("*")):
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
            manifest.files[str(f.relative_to(build_dir))] = {"size": f.stat().st_size, "sha256": file_sha256(f)}
    (build_dir / MANIFEST).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1), encoding="utf-8")
    with open(build_dir / MANIFEST, "rb") as fh:
        os.fsync(fh.fileno())
    (build_dir / IN_USE).touch()
    version = index_dir / f"v-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    os.rename(build_dir, version)
    tmp = None
    try:
        _fsync_dir(index_dir)
        fd, tmp = tempfile.mkstemp(dir=index_dir, prefix=".CURRENT.")
        os.fchmod(fd, 0o644)  # readable like the version files (mkstemp makes it 0600)
        with os.fdopen(fd, "w") as fh:
            fh.write(version.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, index_dir / CURRENT)
    except BaseException:  # CURRENT still names the previous version: this one never existed
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        shutil.rmtree(version, ignore_errors=True)
        raise
    try:
        _fsync_dir(index_dir)
        for old in index_dir.glob("v-*"):
            if old != version:
                _remove_unused(old)
    except OSError:  # the new version is live; an old one left behind is removed by a later build
        pass
    return version


def _remove_unused(version: Path) -> None:
    if fcntl is None:
        return  # no way to know who reads it: left in place
    try:
        fd = os.open(version / IN_USE, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return  # a process is loading it
    try:  # renamed first, so a reader that was waiting for the lock sees it gone
        trash = version.with_name(f".trash-{uuid.uuid4().hex[:12]}")
        os.rename(version, trash)
    finally:
        os.close(fd)
    shutil.rmtree(trash, ignore_errors=True)


@contextmanager
def reading(index_dir: str | Path) -> Iterator[Path]:
    """The current version, which no build removes while the caller reads it."""
    index_dir = Path(index_dir)
    for _ in range(5):
        version = current_version(index_dir)
        fd = None  # without flock (Windows) nothing is held
        if fcntl is not None:
            try:  # (a version built before IN_USE existed gets one)
                fd = os.open(version / IN_USE, os.O_RDONLY | os.O_CREAT, 0o644)
            except FileNotFoundError:
                continue  # removed since CURRENT was read: read it again
            except OSError:  # a read-only index that has none: nobody can build there either
                pass
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)
            if not version.is_dir():
                os.close(fd)
                continue
        try:
            yield version
        finally:
            if fd is not None:
                os.close(fd)
        return
    raise IndexLoadError(f"the index in {index_dir} keeps changing while it is read: try again")


def current_version(index_dir: Path) -> Path:
    for _ in range(5):  # a build may switch CURRENT and remove the version it named in between
        name = _pointer(Path(index_dir))
        version = Path(index_dir) / name
        if name.startswith("v-") and "/" not in name and version.is_dir():
            return version
        if _pointer(Path(index_dir)) == name:
            break
    raise IndexLoadError(f"{Path(index_dir) / CURRENT} is corrupt (points to '{name}'): rebuild with `unqa index`")


def _pointer(index_dir: Path) -> str:
    _check_folder(index_dir)
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        raise IndexLoadError(f"no index in {index_dir}: build one with `unqa index`")
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise IndexLoadError(f"{pointer} is corrupt (not UTF-8 text): rebuild with `unqa index`") from None
    except OSError as exc:
        raise IndexLoadError(f"cannot read {pointer} ({exc.strerror or exc})") from None
    return name


def read_verified_manifest(version: Path, embedder: str | None = None, expect_corpus_hash: str | None = None,
                           verify_files: bool = True) -> IndexManifest:
    """The manifest, after checking format, embedder, corpus hash and every file's checksum."""
    try:
        data = json.loads((version / MANIFEST).read_text(encoding="utf-8"))
        manifest = IndexManifest(**data)
    except FileNotFoundError:
        raise IndexLoadError(f"{version / MANIFEST} is missing: rebuild with `unqa index`") from None
    except (ValueError, TypeError) as exc:
        raise IndexLoadError(f"{version / MANIFEST} is corrupt ({exc}): rebuild with `unqa index`") from None
    if manifest.format_version != FORMAT_VERSION:
        raise IndexLoadError(
            f"index format {manifest.format_version} in {version} is not the supported format "
            f"{FORMAT_VERSION}: rebuild with `unqa index`"
        )
    if embedder and embedder != manifest.embedder:
        raise IndexLoadError(
            f"index in {version.parent} was built with embedder '{manifest.embedder}', not '{embedder}': "
            "rebuild with `unqa index --embedder ...` or use the same embedder"
        )
    if expect_corpus_hash and expect_corpus_hash != manifest.corpus_hash:
        raise IndexLoadError(
            f"index in {version.parent} is stale: the corpus changed since it was built "
            f"(corpus hash {expect_corpus_hash[:12]}…, index built from {manifest.corpus_hash[:12]}…): "
            "rebuild with `unqa index`"
        )
    if verify_files:
        for name, meta in manifest.files.items():
            path = version / name
            if not path.is_file():
                raise IndexLoadError(f"index file {path} is missing: rebuild with `unqa index`")
            size = path.stat().st_size
            if size != meta["size"]:
                raise IndexLoadError(
                    f"index file {path} is truncated or corrupt ({size} bytes, expected {meta['size']}): "
                    "rebuild with `unqa index`"
                )
            if file_sha256(path) != meta["sha256"]:
                raise IndexLoadError(f"index file {path} is corrupt (checksum mismatch): rebuild with `unqa index`")
    return manifest
