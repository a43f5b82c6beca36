#include "store/rds_tables.h"

#include <gtest/gtest.h>
