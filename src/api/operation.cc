// operation.h is header-only; this file gives the api library a translation unit until the codecs land.
#include "api/operation.h"
