#include "store/iam_tables.h"

#include <gtest/gtest.h>
