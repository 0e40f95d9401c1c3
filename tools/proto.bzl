"""One way to declare a proto: C++ protobuf + gRPC code from Debian's protoc.

Project protos:

    polo_proto_library(
        name = "polo_cc_proto",
        src = "polo.proto",
        proto_deps = [],  # other .proto files it imports (workspace-relative)
        deps = [],        # their polo_proto_library targets
    )

generates polo.pb.{h,cc} and polo.grpc.pb.{h,cc} with /usr/bin/protoc and
/usr/bin/grpc_cpp_plugin, wrapped in a cc_library called `name`. Imports and
generated #includes are workspace-relative ("proto/polo.pb.h").

System protos (Debian's grpc-proto, e.g. grpc.health.v1): pass the path under
`system_root`, e.g. src = "grpc/health/v1/health.proto",
system_root = "/usr/share/grpc-proto"; the generated headers are then included
as "grpc/health/v1/health.pb.h". Set headers_only = True for a proto whose
compiled code a system library already exports (reflection, in
libgrpc++_reflection): linking a second copy makes protobuf abort at start-up
on the duplicate descriptor.
"""

_PROTOC = "/usr/bin/protoc"
_GRPC_PLUGIN = "/usr/bin/grpc_cpp_plugin"

def polo_proto_library(
        name,
        src,
        deps = [],
        proto_deps = [],
        system_root = None,
        headers_only = False,
        visibility = None):
    base = src[:-len(".proto")]
    outs = [base + ext for ext in [".pb.h", ".pb.cc", ".grpc.pb.h", ".grpc.pb.cc"]]
    pkg = native.package_name()
    flags = (" --cpp_out=%s --grpc_out=%s --plugin=protoc-gen-grpc=%s " %
             ("$(GENDIR)", "$(GENDIR)", _GRPC_PLUGIN))
    if system_root:
        out_dir = "$(GENDIR)/" + pkg
        cmd = (_PROTOC + " --proto_path=" + system_root +
               flags.replace("$(GENDIR)", out_dir) + system_root + "/" + src)
        srcs = []
        includes = ["."]
    else:
        cmd = (_PROTOC + " --proto_path=. --proto_path=$(GENDIR)" + flags +
               (pkg + "/" if pkg else "") + src)
        srcs = [src] + proto_deps
        includes = []
    native.genrule(
        name = name + "_gen",
        srcs = srcs,
        outs = outs,
        cmd = cmd,
    )
    native.cc_library(
        name = name,
        srcs = [] if headers_only else [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        includes = includes,
        deps = deps + ["@system//:grpc"],
        visibility = visibility,
    )
