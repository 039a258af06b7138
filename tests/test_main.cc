// SPDX-License-Identifier: MIT
// The only translation unit that defines the Boost.Test module; every *_test.cc links against it.
#define BOOST_TEST_MODULE netprom
#include <boost/test/unit_test.hpp>
