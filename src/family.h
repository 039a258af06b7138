// SPDX-License-Identifier: MIT
#pragma once

namespace netprom {

/// Address family choice: for a target (-4/-6, `family = "ipv4"`) and for a resolved address.
enum class Family { any, v4, v6 };

}  // namespace netprom
