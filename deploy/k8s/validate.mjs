// Checks rendered manifests (kubectl kustomize deploy/k8s) offline: every
// object against the Kubernetes API's JSON schema (npm kubernetes-models),
// then the project's rules: every container has readiness and liveness
// probes and CPU and memory requests and limits; the learner has a
// termination grace period for its final checkpoint, its run folder on a
// volume claim, and --resume.
//
//   node validate.mjs RENDERED.yaml NODE_MODULES_DIR
// Prints one line per object and exits non-zero on the first failure list.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [, , renderedPath, modules] = process.argv;
const require = createRequire(path.join(modules, "noop.js"));
const yaml = require("js-yaml");
const docs = yaml.loadAll(readFileSync(renderedPath, "utf8")).filter(Boolean);

const failures = [];
const fail = (what, why) => failures.push(`${what}: ${why}`);

for (const doc of docs) {
  const what = `${doc.kind}/${doc.metadata?.name}`;
  const group = doc.apiVersion.includes("/") ? doc.apiVersion : `${doc.apiVersion}`;
  const modulePath = path.join(modules, "kubernetes-models", group, `${doc.kind}.js`);
  let Model;
  try {
    Model = (await import(pathToFileURL(modulePath).href))[doc.kind];
  } catch (e) {
    fail(what, `no schema for ${doc.apiVersion} ${doc.kind} (${e.message})`);
    continue;
  }
  try {
    new Model(doc).validate();
  } catch (e) {
    fail(what, `schema: ${e.message}`);
    continue;
  }
  const pod = doc.spec?.template?.spec;
  if (pod) {
    for (const c of pod.containers) {
      const where = `${what} container ${c.name}`;
      if (!c.readinessProbe) fail(where, "no readinessProbe");
      if (!c.livenessProbe) fail(where, "no livenessProbe");
      for (const kind of ["requests", "limits"]) {
        for (const resource of ["cpu", "memory"]) {
          if (!c.resources?.[kind]?.[resource]) fail(where, `no resources.${kind}.${resource}`);
        }
      }
      const threads = (c.args ?? []).find((a) => a.startsWith("--threads="));
      if (threads && String(c.resources?.requests?.cpu) !== threads.split("=")[1]) {
        fail(where, `${threads} but requests.cpu ${c.resources?.requests?.cpu}`);
      }
    }
  }
  if (doc.kind === "StatefulSet") {
    if (!(pod.terminationGracePeriodSeconds >= 60)) {
      fail(what, "terminationGracePeriodSeconds < 60 (the final checkpoint needs time)");
    }
    const claims = (doc.spec.volumeClaimTemplates ?? []).map((t) => t.metadata.name);
    const mounts = pod.containers[0].volumeMounts ?? [];
    if (!mounts.some((m) => claims.includes(m.name) && m.mountPath === "/var/lib/polo")) {
      fail(what, "the run folder (/var/lib/polo) is not on a volume claim");
    }
    if (!(pod.containers[0].args ?? []).includes("--resume")) fail(what, "no --resume");
  }
  console.log(`ok ${what}`);
}
if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`${docs.length} objects valid`);
