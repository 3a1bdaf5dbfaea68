import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countModelCost } from '../../../src/zoo/onnx/cost-counter.js';
import { GraphBuilder } from '../../../src/zoo/onnx/graph-builder.js';
import { OnnxAttributeType, OnnxDataType, type GraphProto, type ModelProto } from '../../../src/zoo/onnx/onnx-schema.js';

/** x [n, 6] → Shape → Gather(0) → Unsqueeze → Concat([n], [2, 3]) → Reshape → [n, 2, 3] → MatMul [3, 4]: FLOPs need the computed shape. */
function computedShapeModel(): ModelProto {
  const b = new GraphBuilder({ graphName: 'computed', seed: 1, withWeights: false, opset: 17 });
  const x = b.input('x', OnnxDataType.FLOAT, ['n', 6], [5, 6]);
  const batch = b.op('Unsqueeze', [b.op('Gather', [b.op('Shape', [x]), b.int64s([0], [])]), b.int64s([0])]);
  const target = b.op('Concat', [batch, b.int64s([2, 3])], { axis: 0 });
  const reshaped = b.op('Reshape', [x, target]);
  b.output(b.op('MatMul', [reshaped, b.weight('w', [3, 4], { std: 1 })]), 'y', OnnxDataType.FLOAT, ['n', 2, 4]);
  return b.finish('computed shapes');
}

test('FLOPs follow shapes computed at run time (Shape → Gather → Concat → Reshape)', () => {
  const model = computedShapeModel();
  for (const n of [1, 7]) {
    const cost = countModelCost(model, { x: [n, 6] });
    assert.equal(cost.flops, 2 * n * 2 * 3 * 4);
    assert.deepEqual(cost.uncounted, []);
    assert.equal(cost.params, 12);
  }
});

test('an If with a known condition counts only the branch it takes; unknown ops are reported, not guessed', () => {
  const branch = (units: number, name: string): GraphProto => {
    const weight = `${name}_w`;
    return {
      name,
      initializer: [{ name: weight, dims: [8, units], dataType: OnnxDataType.FLOAT }],
      node: [{ opType: 'MatMul', input: ['x', weight], output: [`${name}_y`] }],
      output: [{ name: `${name}_y` }],
    };
  };
  const model: ModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'if',
      input: [{ name: 'x' }, { name: 'flag' }],
      output: [{ name: 'y' }, { name: 'z' }],
      node: [
        {
          opType: 'If',
          input: ['flag'],
          output: ['y'],
          attribute: [
            { name: 'then_branch', type: OnnxAttributeType.GRAPH, g: branch(100, 'big') },
            { name: 'else_branch', type: OnnxAttributeType.GRAPH, g: branch(1, 'small') },
          ],
        },
        { opType: 'MysteryOp', input: ['y'], output: ['m'] },
        { opType: 'Relu', input: ['m'], output: ['z'] },
      ],
    },
  };
  const taken = countModelCost(model, { x: [1, 8], flag: [] }, { flag: [1] });
  const skipped = countModelCost(model, { x: [1, 8], flag: [] }, { flag: [0] });
  assert.equal(taken.flops, 2 * 8 * 100);
  assert.equal(skipped.flops, 2 * 8 * 1);
  assert.deepEqual(taken.uncounted, ['MysteryOp']);
  // Parameters count both branches: both ship in the file.
  assert.equal(taken.params, 8 * 100 + 8);
});

test('BatchNormalization running statistics and scalar constants are not counted as parameters', () => {
  const b = new GraphBuilder({ graphName: 'bn', seed: 1, withWeights: true });
  const x = b.input('x', OnnxDataType.FLOAT, ['n', 4, 2, 2], [1, 4, 2, 2]);
  const bn = b.op('BatchNormalization', [x, ...['s', 'b', 'm', 'v'].map((n) => b.weight(n, [4], { constant: 1 }))]);
  b.output(b.op('Mul', [bn, b.scalar(2)]), 'y', OnnxDataType.FLOAT, ['n', 4, 2, 2]);
  const cost = countModelCost(b.finish(''), { x: [1, 4, 2, 2] });
  assert.equal(cost.params, 8);
  assert.equal(cost.flops, 2 * 16 + 16);
});
