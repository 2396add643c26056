// Every pipeline of one or more `wgprove shaders` exports through Dawn's
// front end (Tint: parsing, validation, uniformity analysis) under the
// WebGPU default limits, on Dawn's null backend: createShaderModule, then
// createComputePipeline with the explicit layouts of index.json.
// docs/ARCHITECTURE.md §8 says why the null backend. Usage:
//   node tint_check.mjs DIR... ; prints one JSON line per pipeline, exit 3 if any failed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);

async function captureErrors(device, fn) {
  device.pushErrorScope('validation');
  device.pushErrorScope('internal');
  device.pushErrorScope('out-of-memory');
  let value, thrown = null;
  try { value = fn(); } catch (e) { thrown = String(e); }
  const errs = [await device.popErrorScope(), await device.popErrorScope(), await device.popErrorScope()];
  const msg = [thrown, ...errs.filter(Boolean).map(e => e.message)].filter(Boolean).join('\n');
  return [msg || null, value];
}

function layoutOf(device, groups) {
  const layouts = groups.map(entries => device.createBindGroupLayout({
    entries: entries.map(e => ({
      binding: e.binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: e.type, hasDynamicOffset: e.has_dynamic_offset },
    })),
  }));
  return device.createPipelineLayout({ bindGroupLayouts: layouts });
}

async function checkModule(device, code) {
  const [err, module] = await captureErrors(device, () => device.createShaderModule({ code }));
  const info = module ? await module.getCompilationInfo() : { messages: [] };
  const messages = info.messages.map(m => `${m.type} ${m.lineNum}:${m.linePos}: ${m.message}`);
  const failed = Boolean(err) || info.messages.some(m => m.type === 'error');
  return { module, failed, messages: err ? [err, ...messages] : messages };
}

async function checkDir(device, dir, index) {
  const modules = {};
  const results = [];
  for (const p of index.pipelines) {
    modules[p.module] ??= await checkModule(device, readFileSync(join(dir, p.module), 'utf8'));
    const m = modules[p.module];
    const r = { dir, module: p.module, kernel: p.kernel, entry_point: p.entry_point, constants: p.constants };
    if (m.failed) {
      results.push({ ...r, ok: false, stage: 'createShaderModule', messages: m.messages });
      continue;
    }
    const [err] = await captureErrors(device, () => device.createComputePipeline({
      layout: layoutOf(device, p.bind_group_layouts),
      compute: { module: m.module, entryPoint: p.entry_point, constants: p.constants },
    }));
    results.push({ ...r, ok: !err, stage: 'createComputePipeline', messages: err ? [err] : m.messages });
  }
  return results;
}

// webgpu-default exports get a device with no required limits (the WebGPU
// defaults); others ask for the limits they were made under, as far as the
// adapter goes.
function requiredLimits(adapter, index) {
  if (index.profile === 'webgpu-default') return {};
  const out = {};
  for (const [k, v] of Object.entries(index.limits)) {
    const name = k.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(name in adapter.limits)) continue;
    out[name] = name.startsWith('min') ? Math.max(v, adapter.limits[name]) : Math.min(v, adapter.limits[name]);
  }
  return out;
}

const gpu = create(['backend=null']);
let failed = 0;
for (const dir of process.argv.slice(2)) {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const adapter = await gpu.requestAdapter();  // one device per adapter
  const device = await adapter.requestDevice({ requiredLimits: requiredLimits(adapter, index) });
  for (const r of await checkDir(device, dir, index)) {
    failed += !r.ok;
    console.log(JSON.stringify(r));
  }
  device.destroy();
}
process.exit(failed ? 3 : 0);  // 1 is node's own exit code for a crash
