#include "store/network_tables.h"

#include <gtest/gtest.h>
