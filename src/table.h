// SPDX-License-Identifier: MIT
// --format table: an aligned summary for a person at a shell, 80 columns wide.
#pragma once

#include <string>

#include "metrics.h"

namespace netprom {

/// Renders the run as two tables: destinations (address, sent/received, loss, min/avg/max/
/// stddev in ms and a sparkline of every request's RTT, lost ones marked) and interfaces.
/// `color` adds ANSI colours (the caller decides: a terminal, and NO_COLOR unset); `utf8`
/// false draws with ASCII only (a locale that is not UTF-8). Names and devices are never cut:
/// one too long for its column goes on a line of its own. Pure.
std::string render_table(const RunReport& report, bool color, bool utf8 = true);

/// One cell per request (or per group of requests when there are more than `cells`): a block
/// from ▁ to █ scaled from the fastest reply over the larger of the spread and half the
/// slowest reply, `×` for a lost request, `╳` for a group with some lost; without `utf8`,
/// `_.-:=+*#`, `x` and `X`. Pure.
std::string render_sparkline(const std::vector<double>& rtt_seconds, std::size_t cells, bool utf8 = true);

}  // namespace netprom
