import { createRng } from '../../core/random.js';
import { OnnxAttributeType, OnnxDataType, type AttributeProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './onnx-schema.js';
import { applyRule, type KnownValue } from './shape-rules.js';

/** A value in the graph under construction, with its shape at the reference input size (batch 1). */
export interface Value {
  readonly name: string;
  readonly shape: readonly number[];
}

export type AttributeValue = number | number[] | string | { readonly float: number } | { readonly floats: number[] };

/** How a weight tensor is initialised: uniform with the given standard deviation (He / Glorot style), or a constant. */
export type WeightInit = { readonly std: number } | { readonly constant: number };

export interface GraphBuilderOptions {
  readonly graphName: string;
  readonly seed: number;
  /** false: initializers carry dims only (for cards and counting); true: seeded weight data is generated. */
  readonly withWeights: boolean;
  readonly opset?: number;
}

export const DEFAULT_OPSET = 17;

/**
 * Builds an ONNX graph node by node while tracking every value's shape at a reference input size, using the
 * same shape rules as the FLOP counter. Weights are seeded per tensor name (independent of build order).
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly known = new Map<string, KnownValue>();
  private readonly counters = new Map<string, number>();
  readonly opset: number;

  constructor(private readonly options: GraphBuilderOptions) {
    this.opset = options.opset ?? DEFAULT_OPSET;
  }

  /** A graph input; string dims are symbolic (dynamic), `reference` gives the concrete shape tracked for them. */
  input(name: string, elemType: number, dims: readonly (number | string)[], reference: readonly number[]): Value {
    this.inputs.push(valueInfo(name, elemType, dims));
    this.known.set(name, { shape: reference });
    return { name, shape: reference };
  }

  output(value: Value, name: string, elemType: number, dims: readonly (number | string)[]): void {
    const final = value.name === name ? value : this.op('Identity', [value], {}, name);
    this.outputs.push(valueInfo(final.name, elemType, dims));
  }

  /** A float weight initializer of the given shape. */
  weight(name: string, shape: readonly number[], init: WeightInit): Value {
    const tensor: TensorProto = { name, dims: [...shape], dataType: OnnxDataType.FLOAT };
    if (this.options.withWeights) tensor.rawData = weightBytes(shape, init, createRng(this.options.seed, `${this.options.graphName}/${name}`));
    this.initializers.push(tensor);
    this.known.set(name, { shape });
    return { name, shape };
  }

  /** A float initializer holding given (e.g. trained) values. */
  weightData(name: string, shape: readonly number[], data: Float32Array): Value {
    const expected = shape.reduce((n, d) => n * d, 1);
    if (data.length !== expected) throw new Error(`graph builder: weight ${name} has ${data.length} values, shape [${shape.join(', ')}] needs ${expected}`);
    const copy = Float32Array.from(data);
    this.initializers.push({ name, dims: [...shape], dataType: OnnxDataType.FLOAT, rawData: new Uint8Array(copy.buffer) });
    this.known.set(name, { shape });
    return { name, shape };
  }

  /** A small int64 initializer (shapes, axes, indices); `shape` [] makes a scalar. */
  int64s(values: readonly number[], shape: readonly number[] = [values.length]): Value {
    const name = this.unique('const_i64');
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [...shape], dataType: OnnxDataType.INT64, rawData: new Uint8Array(raw.buffer) });
    this.known.set(name, { shape, values });
    return { name, shape };
  }

  /** A float scalar initializer (rank 0, so it is not counted as a parameter). */
  scalar(value: number): Value {
    const name = this.unique('const_f32');
    this.initializers.push({ name, dims: [], dataType: OnnxDataType.FLOAT, rawData: new Uint8Array(new Float32Array([value]).buffer) });
    this.known.set(name, { shape: [], values: [value] });
    return { name, shape: [] };
  }

  /** Adds a node; returns its first output (see `opMulti` for several). */
  op(opType: string, inputs: readonly (Value | undefined)[], attributes: Record<string, AttributeValue> = {}, outputName?: string): Value {
    const [first] = this.opMulti(opType, inputs, attributes, 1, outputName ? [outputName] : undefined);
    return first!;
  }

  opMulti(opType: string, inputs: readonly (Value | undefined)[], attributes: Record<string, AttributeValue>, outputCount: number, outputNames?: string[]): Value[] {
    const names = outputNames ?? Array.from({ length: outputCount }, () => this.unique(opType.toLowerCase()));
    const node: NodeProto = {
      name: this.unique(`${opType}_node`),
      opType,
      input: inputs.map((v) => v?.name ?? ''),
      output: names,
      attribute: Object.entries(attributes).map(([name, value]) => attributeProto(name, value)),
    };
    const result = applyRule(node, inputs.map((v) => (v ? this.known.get(v.name) : undefined)), this.opset);
    if (!result) throw new Error(`graph builder: cannot infer the output shape of ${opType} (${inputs.map((v) => v?.name).join(', ')})`);
    this.nodes.push(node);
    return names.map((name, i) => {
      const known = result.outputs[i];
      if (!known) throw new Error(`graph builder: ${opType} has no output ${i}`);
      this.known.set(name, known);
      return { name, shape: known.shape };
    });
  }

  unique(prefix: string): string {
    const next = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, next);
    return `${prefix}_${next}`;
  }

  finish(docString: string): ModelProto {
    return {
      irVersion: 8,
      opsetImport: [{ domain: '', version: this.opset }],
      producerName: 'servelab',
      producerVersion: '0.1.0',
      docString,
      graph: { name: this.options.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    };
  }
}

function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): ValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

function attributeProto(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') return { name, type: OnnxAttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: OnnxAttributeType.STRING, s: Buffer.from(value, 'utf8') };
  if (Array.isArray(value)) return { name, type: OnnxAttributeType.INTS, ints: value };
  if ('float' in value) return { name, type: OnnxAttributeType.FLOAT, f: value.float };
  return { name, type: OnnxAttributeType.FLOATS, floats: value.floats };
}

function weightBytes(shape: readonly number[], init: WeightInit, rng: ReturnType<typeof createRng>): Uint8Array {
  const count = shape.reduce((n, d) => n * d, 1);
  const data = new Float32Array(count);
  if ('constant' in init) data.fill(init.constant);
  else {
    // Uniform on [-a, a] has standard deviation a / sqrt(3).
    const bound = init.std * Math.sqrt(3);
    for (let i = 0; i < count; i++) data[i] = (2 * rng.next() - 1) * bound;
  }
  return new Uint8Array(data.buffer);
}
