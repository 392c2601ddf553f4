// SPDX-License-Identifier: GPL-3.0-or-later
#include <cstring>

#include "alsa/Card.hpp"

namespace Alsa {

/* strerror() rather than snd_strerror(): this stays in the libasound-free library, and
 * the errors that reach here (ENODEV, EBUSY, EPERM, ...) are plain errnos. */
Error::Error(int _err, const std::string& what)
    : std::runtime_error(what + ": " + std::strerror(_err < 0 ? -_err : _err)), err(_err) {}

}  // namespace Alsa
