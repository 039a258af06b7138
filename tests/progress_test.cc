// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include "progress.h"

using namespace netprom;

BOOST_AUTO_TEST_SUITE(progress)

BOOST_AUTO_TEST_CASE(progress_reads_done_of_total_percent_and_seconds) {
  BOOST_TEST(render_progress(1234, 50000, std::chrono::milliseconds(3249)) ==
             "netprom: 1234/50000 requests (2%), 3.2 s");
  BOOST_TEST(render_progress(0, 0, std::chrono::seconds(1)) == "netprom: 0/0 requests (100%), 1.0 s");
}

BOOST_AUTO_TEST_SUITE_END()
