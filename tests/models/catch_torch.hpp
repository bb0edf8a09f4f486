#pragma once
// Include this FIRST in every models test: LibTorch's c10/util/Logging.h defines a glog-style
// CHECK(cond) macro that would silently replace Catch2's CHECK (failures would abort instead of
// being reported). Including c10's logging header first and dropping its CHECK lets Catch2 define
// its own; c10's include guard keeps later LibTorch includes from redefining it.
#include <c10/util/Logging.h>
#undef CHECK
#include <catch2/catch.hpp>
