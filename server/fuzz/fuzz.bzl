"""polo_fuzz_test: a libFuzzer target and the test that runs it.

    polo_fuzz_test(
        name = "register_request_fuzzer",
        srcs = ["register_request_fuzzer.cc"],
        deps = [":fuzz_learner"],
        runs = 20000,
    )

declares
  - `name`: the fuzz binary (clang's -fsanitize=fuzzer: libFuzzer's main),
    built only with --config=fuzz (.bazelrc: clang-14, AddressSanitizer,
    UndefinedBehaviorSanitizer); any other configuration reports it
    incompatible rather than failing to link it;
  - `name + "_test"`: an sh_test that runs it `runs` times with a fixed
    seed over a copy of corpus/<name>/ (fuzz_test.sh) and fails on any
    crash, leak, sanitizer report or timeout.
Both are tagged "fuzz" and "manual": `bazel test //...` and the gcc build
never touch them; //server/fuzz:fuzz_tests names every test.
"""

_TAGS = ["fuzz", "manual"]

def _only_with_fuzz_config():
    return select({
        "//server/fuzz:fuzz_config": [],
        "//conditions:default": ["//server/fuzz:needs_fuzz_config"],
    })

def polo_fuzz_test(name, srcs, deps = [], runs = 10000, max_len = 65536):
    native.cc_binary(
        name = name,
        srcs = srcs,
        deps = deps,
        linkopts = ["-fsanitize=fuzzer"],
        tags = _TAGS,
        target_compatible_with = _only_with_fuzz_config(),
    )
    corpus = "corpus/" + name
    native.sh_test(
        name = name + "_test",
        size = "large",
        srcs = ["//server/fuzz:fuzz_test.sh"],
        args = [
            "$(location :%s)" % name,
            native.package_name() + "/" + corpus,
            str(runs),
            str(max_len),
        ],
        data = [
            ":" + name,
            "//server/fuzz:lsan.supp",
        ] + native.glob([corpus + "/*"]),
        tags = _TAGS,
        target_compatible_with = _only_with_fuzz_config(),
    )
