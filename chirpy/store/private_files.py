"""Files and folders that hold users' words are created private: 0600 files, 0700 folders.

The default umask (022) would make them world-readable; the log holds transcripts and names. Only
what chirpy creates is affected: an existing file or folder keeps the permissions its owner gave it.
"""

from __future__ import annotations

import os
from pathlib import Path

from chirpy.errors import StoreError

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> None:
    """Create ``path`` and any missing parents as 0700 (``mkdir(parents=True)`` would use the umask)."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            pass
        except OSError as exc:
            raise StoreError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None


def private_file(path: Path) -> None:
    """Create ``path`` empty as 0600 if it does not exist (SQLite then gives its -wal and -shm the same mode)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot create {path}: {exc.strerror or exc}") from None
