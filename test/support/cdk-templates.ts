/**
 * Templates of a synthesized stack that has nested stacks, for the tests that read the stack as one
 * thing. `flattenedTemplate` inlines every nested stack's resources into the parent's template, as if
 * they had never been split: a nested stack's parameter `Ref`s become the values the parent passes
 * (`{ "Fn::GetAtt": [table, "Arn"] }`, as a single template would have written them), the parent's
 * `Fn::GetAtt [nestedStack, "Outputs.X"]` becomes the output's value, and a nested stack's
 * `DependsOn` goes to each of its resources (they are created after it, as its resources were).
 * Nothing is guessed: a parameter the parent does not pass, a logical id found in two templates, or
 * a reference left pointing at a nested stack fails loudly.
 *
 * Call after `app.synth()`: the templates are read from the cloud assembly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

type Json = Record<string, unknown>;
interface Resource extends Json {
  Type: string;
  Properties?: Json;
  DependsOn?: string | string[];
}
interface CfnTemplate extends Json {
  Parameters?: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown } & Json>;
}

/** The template of one stack (top-level or nested) as synthesized, unchanged. */
const rawTemplate = (stack: Stack): CfnTemplate =>
  structuredClone(Template.fromStack(stack, { skipCyclicalDependenciesCheck: true }).toJSON() as CfnTemplate);

/** The nested stacks whose parent is `stack` (not their own nested stacks). */
const childrenOf = (stack: Stack): NestedStack[] =>
  stack.node
    .findAll()
    .filter((c): c is NestedStack => c instanceof NestedStack && c.nestedStackParent === stack);

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A deep copy of `value` in which `replace` may swap any object (it returns undefined to keep it). */
function rewrite(value: unknown, replace: (object: Json) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, replace));
  if (value === null || typeof value !== 'object') return value;
  const replaced = replace(value as Json);
  if (replaced !== undefined) return structuredClone(replaced);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewrite(item, replace)]));
}

const singleKey = (object: Json, key: string) => Object.keys(object).length === 1 && key in object;

/** `stack`'s template with its nested stacks (and theirs) inlined. */
function flatten(stack: Stack): CfnTemplate {
  let template = rawTemplate(stack);
  const outputsByStackResource = new Map<string, Record<string, unknown>>();
  const resourcesByStackResource = new Map<string, string[]>();

  for (const child of childrenOf(stack)) {
    const stackResourceId = stack.getLogicalId(child.nestedStackResource as CfnElement);
    const stackResource = template.Resources[stackResourceId];
    assert.equal(
      stackResource?.Type,
      'AWS::CloudFormation::Stack',
      `${child.node.path} has no stack resource`,
    );
    const inner = flatten(child);
    const passed = (stackResource.Properties?.Parameters ?? {}) as Json;
    const declared = Object.keys(inner.Parameters ?? {});
    for (const name of declared)
      assert.ok(name in passed, `${child.node.path}: the parent does not pass ${name}`);

    const substituted = rewrite(inner, (object) =>
      singleKey(object, 'Ref') && declared.includes(object.Ref as string)
        ? passed[object.Ref as string]
        : undefined,
    ) as CfnTemplate;
    const text = JSON.stringify({ ...substituted, Parameters: undefined });
    for (const name of declared)
      assert.ok(!text.includes(name), `${child.node.path}: ${name} is used in a way not inlined`);

    const inherited = asArray(stackResource.DependsOn);
    for (const [id, resource] of Object.entries(substituted.Resources)) {
      assert.ok(!(id in template.Resources), `logical id ${id} of ${child.node.path} is also in its parent`);
      if (inherited.length) resource.DependsOn = [...new Set([...asArray(resource.DependsOn), ...inherited])];
      template.Resources[id] = resource;
    }
    for (const section of ['Conditions', 'Mappings', 'Rules'] as const) {
      const merged = (template[section] ?? {}) as Json;
      for (const [id, value] of Object.entries((substituted[section] ?? {}) as Json)) {
        if (merged[id] !== undefined)
          assert.deepEqual(merged[id], value, `${section}.${id} differs in ${child.node.path}`);
        merged[id] = value;
      }
      if (Object.keys(merged).length) template[section] = merged;
    }
    outputsByStackResource.set(
      stackResourceId,
      Object.fromEntries(
        Object.entries(substituted.Outputs ?? {}).map(([name, output]) => [name, output.Value]),
      ),
    );
    resourcesByStackResource.set(stackResourceId, Object.keys(substituted.Resources));
    delete template.Resources[stackResourceId];
  }
  if (!outputsByStackResource.size) return template;

  // A nested stack's output may be passed on as another's parameter: resolve until nothing changes.
  const outputOf = (object: Json) => {
    if (!singleKey(object, 'Fn::GetAtt')) return undefined;
    const [id, attribute] = object['Fn::GetAtt'] as [string, string];
    const outputs = outputsByStackResource.get(id);
    if (!outputs || !attribute.startsWith('Outputs.')) return undefined;
    const name = attribute.slice('Outputs.'.length);
    assert.ok(name in outputs, `nested stack ${id} has no output ${name}`);
    return outputs[name];
  };
  for (let pass = 0; ; pass++) {
    const before = JSON.stringify(template);
    template = rewrite(template, outputOf) as CfnTemplate;
    if (JSON.stringify(template) === before) break;
    assert.ok(pass < 10, 'nested stack outputs refer to each other in a cycle');
  }
  for (const resource of Object.values(template.Resources)) {
    if (resource.DependsOn === undefined) continue;
    resource.DependsOn = [
      ...new Set(asArray(resource.DependsOn).flatMap((id) => resourcesByStackResource.get(id) ?? [id])),
    ];
  }
  const text = JSON.stringify(template);
  for (const id of outputsByStackResource.keys())
    assert.ok(!text.includes(`"${id}"`), `${id} is still referenced`);
  return template;
}

/** One template of `stack` with every nested stack's resources inlined (see above). */
export function flattenedTemplate(stack: Stack): Template {
  return Template.fromJSON(flatten(stack));
}

export interface TemplateSize {
  /** The construct path of the stack (`Orderly`, `Orderly/Functions/Orders`). */
  path: string;
  resources: number;
}

/** The number of resources in `stack`'s own template and in each nested stack's, parent first. */
export function templateSizes(stack: Stack): TemplateSize[] {
  return [
    { path: stack.node.path, resources: Object.keys(rawTemplate(stack).Resources).length },
    ...childrenOf(stack).flatMap(templateSizes),
  ];
}

/**
 * What the validation plugins reported at synth (the assembly's validation-report.json): every
 * cdk-nag AwsSolutions finding, and every other plugin's errors, one line each (`withSeverity`
 * adds the severity after the plugin's name). Acknowledged findings are not in the report.
 */
export function validationFindings(assemblyDirectory: string, withSeverity = false): string[] {
  const report = JSON.parse(readFileSync(join(assemblyDirectory, 'validation-report.json'), 'utf8')) as {
    pluginReports: {
      pluginName: string;
      violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
    }[];
  };
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations
      .filter((v) => plugin.pluginName === 'AwsSolutions' || v.severity === 'error' || v.severity === 'fatal')
      .map(
        (v) =>
          `${plugin.pluginName}${withSeverity ? ` ${v.severity}` : ''} ${v.ruleName}: ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
      ),
  );
}

export interface StatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}
type ResourceJson = { Type: string; Properties: Record<string, unknown> };

/** Every statement of a role in a template: its inline policies and the policies attached to it. */
export function roleStatements(
  resources: Readonly<Record<string, ResourceJson>>,
  roleId: string,
): StatementJson[] {
  const role = resources[roleId];
  if (!role) throw new Error(`No role ${roleId} in the template`);
  const inline =
    (role.Properties.Policies as { PolicyDocument: { Statement: StatementJson[] } }[] | undefined) ?? [];
  const attached = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .map((policy) => policy.Properties)
    .filter((p) =>
      ([] as unknown[])
        .concat(p.Roles ?? [])
        .some((r) => (r as { Ref?: string } | undefined)?.Ref === roleId),
    );
  return [
    ...inline.flatMap((p) => p.PolicyDocument.Statement),
    ...attached.flatMap((p) => (p.PolicyDocument as { Statement: StatementJson[] }).Statement),
  ];
}
