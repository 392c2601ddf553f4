// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace State {

/** A file could not be read or written; nothing was changed (protocol 1.1
 *  storage.error, with errno and path). */
class StorageError : public std::runtime_error {
  public:
    StorageError(int error, std::string path, const std::string& what);
    int GetErrno() const noexcept { return errno_; }
    const std::string& GetPath() const noexcept { return path_; }

  private:
    int errno_;
    std::string path_;
};

/**
 * Replaces @p path with @p content so that a reader, or a crash at any instant, sees
 * the old file or the new one, never a torn one: a temporary file in the same
 * directory, written and fsync()ed, renamed over @p path, then the directory
 * fsync()ed so that the rename itself survives a power cut. @p mode for a new file.
 * On failure the temporary file is removed and @p path is untouched. Throws
 * StorageError.
 */
void WriteAtomically(const std::string& path, const std::string& content, unsigned mode = 0644);

/**
 * Reads a regular file of at most @p max_bytes. A symlink is followed only when
 * @p follow_symlinks; a directory, device or FIFO is refused (a FIFO would block).
 * Throws StorageError (EFBIG when the file is larger than @p max_bytes).
 */
std::string ReadBounded(const std::string& path, size_t max_bytes, bool follow_symlinks = true);

/**
 * Removes the temporary files WriteAtomically() left in @p directory when the process
 * died mid-write (`.NAME.tmpDIGITS`), and nothing else. Only for a directory no one
 * else is writing in now. @return how many; a directory that does not exist has none.
 */
size_t RemoveStaleTemporaries(const std::string& directory) noexcept;

/** mkdir -p with @p mode for the directories it creates. Throws StorageError. */
void MakeDirectories(const std::string& path, unsigned mode = 0755);

}  // namespace State
