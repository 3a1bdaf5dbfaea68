import { GraphBuilder, type Value } from '../../onnx/graph-builder.js';
import { OnnxDataType, type ModelProto } from '../../onnx/onnx-schema.js';
import { classifierHead, conv, convBn, maxPool, relu, relu6 } from './cnn-layers.js';

/** ImageNet classifiers as torchvision defines them (same layers and parameter counts), input `input` → `logits`. */
export const IMAGE_SIDE_PX = 224;
export const IMAGENET_CLASSES = 1000;
const RESIDUAL_GAMMA = 0.5; // damps each residual branch so activations stay O(1) through deep stacks of random blocks

function imageGraph(name: string, seed: number, withWeights: boolean, body: (b: GraphBuilder, x: Value) => Value, doc: string): ModelProto {
  const b = new GraphBuilder({ graphName: name, seed, withWeights });
  const x = b.input('input', OnnxDataType.FLOAT, ['batch', 3, IMAGE_SIDE_PX, IMAGE_SIDE_PX], [1, 3, IMAGE_SIDE_PX, IMAGE_SIDE_PX]);
  b.output(body(b, x), 'logits', OnnxDataType.FLOAT, ['batch', IMAGENET_CLASSES]);
  return b.finish(doc);
}

function basicBlock(b: GraphBuilder, prefix: string, x: Value, planes: number, stride: number): Value {
  let out = relu(b, convBn(b, `${prefix}.1`, x, planes, 3, { stride }));
  out = convBn(b, `${prefix}.2`, out, planes, 3, { gamma: RESIDUAL_GAMMA });
  const shortcut = stride !== 1 || x.shape[1] !== planes ? convBn(b, `${prefix}.downsample`, x, planes, 1, { stride, pad: 0 }) : x;
  return relu(b, b.op('Add', [out, shortcut]));
}

function bottleneck(b: GraphBuilder, prefix: string, x: Value, planes: number, stride: number): Value {
  const expansion = 4;
  let out = relu(b, convBn(b, `${prefix}.1`, x, planes, 1, { pad: 0 }));
  out = relu(b, convBn(b, `${prefix}.2`, out, planes, 3, { stride }));
  out = convBn(b, `${prefix}.3`, out, planes * expansion, 1, { pad: 0, gamma: RESIDUAL_GAMMA });
  const shortcut = stride !== 1 || x.shape[1] !== planes * expansion ? convBn(b, `${prefix}.downsample`, x, planes * expansion, 1, { stride, pad: 0 }) : x;
  return relu(b, b.op('Add', [out, shortcut]));
}

/** ResNet (He et al., 2016): 18 = basic blocks [2,2,2,2], 50 = bottlenecks [3,4,6,3]. */
export function buildResNet(depth: 18 | 50, seed: number, withWeights: boolean): ModelProto {
  const layers = depth === 18 ? [2, 2, 2, 2] : [3, 4, 6, 3];
  const block = depth === 18 ? basicBlock : bottleneck;
  return imageGraph(`resnet${depth}`, seed, withWeights, (b, input) => {
    let x = relu(b, convBn(b, 'stem', input, 64, 7, { stride: 2, pad: 3 }));
    x = maxPool(b, x, 3, 2, 1);
    layers.forEach((blocks, stage) => {
      for (let i = 0; i < blocks; i++) x = block(b, `layer${stage + 1}.${i}`, x, 64 * 2 ** stage, i === 0 && stage > 0 ? 2 : 1);
    });
    return classifierHead(b, 'fc', x, IMAGENET_CLASSES);
  }, `ResNet-${depth} (torchvision layout), seeded synthetic weights`);
}

/** MobileNetV2 (Sandler et al., 2018), width 1.0: inverted residuals with ReLU6 and linear bottlenecks. */
export function buildMobileNetV2(seed: number, withWeights: boolean): ModelProto {
  const settings: [number, number, number, number][] = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
  return imageGraph('mobilenetv2', seed, withWeights, (b, input) => {
    const bounds = { min: b.scalar(0), max: b.scalar(6) };
    let x = relu6(b, convBn(b, 'features.0', input, 32, 3, { stride: 2 }), bounds);
    let index = 1;
    for (const [expand, channels, repeats, firstStride] of settings) {
      for (let i = 0; i < repeats; i++) {
        const prefix = `features.${index++}`;
        const stride = i === 0 ? firstStride : 1;
        const inChannels = x.shape[1] ?? 0;
        let out = x;
        if (expand !== 1) out = relu6(b, convBn(b, `${prefix}.expand`, out, inChannels * expand, 1, { pad: 0 }), bounds);
        const hidden = out.shape[1] ?? 0;
        out = relu6(b, convBn(b, `${prefix}.depthwise`, out, hidden, 3, { stride, group: hidden }), bounds);
        const residual = stride === 1 && inChannels === channels;
        out = convBn(b, `${prefix}.project`, out, channels, 1, { pad: 0, gamma: residual ? RESIDUAL_GAMMA : 1 });
        x = residual ? b.op('Add', [x, out]) : out;
      }
    }
    x = relu6(b, convBn(b, `features.${index}`, x, 1280, 1, { pad: 0 }), bounds);
    return classifierHead(b, 'classifier', x, IMAGENET_CLASSES);
  }, 'MobileNetV2 1.0 (torchvision layout), seeded synthetic weights');
}

function fire(b: GraphBuilder, prefix: string, x: Value, squeeze: number, expand: number): Value {
  const s = relu(b, conv(b, `${prefix}.squeeze`, x, squeeze, 1, { bias: true, pad: 0 }));
  const e1 = relu(b, conv(b, `${prefix}.expand1x1`, s, expand, 1, { bias: true, pad: 0 }));
  const e3 = relu(b, conv(b, `${prefix}.expand3x3`, s, expand, 3, { bias: true, pad: 1 }));
  return b.op('Concat', [e1, e3], { axis: 1 });
}

/** SqueezeNet 1.1 (Iandola et al., 2016; torchvision): fire modules, a 1x1 conv classifier and global average pooling. */
export function buildSqueezeNet11(seed: number, withWeights: boolean): ModelProto {
  return imageGraph('squeezenet1_1', seed, withWeights, (b, input) => {
    let x = relu(b, conv(b, 'features.0', input, 64, 3, { stride: 2, pad: 0, bias: true }));
    x = maxPool(b, x, 3, 2, 0, true);
    x = fire(b, 'features.3', x, 16, 64);
    x = fire(b, 'features.4', x, 16, 64);
    x = maxPool(b, x, 3, 2, 0, true);
    x = fire(b, 'features.6', x, 32, 128);
    x = fire(b, 'features.7', x, 32, 128);
    x = maxPool(b, x, 3, 2, 0, true);
    x = fire(b, 'features.9', x, 48, 192);
    x = fire(b, 'features.10', x, 48, 192);
    x = fire(b, 'features.11', x, 64, 256);
    x = fire(b, 'features.12', x, 64, 256);
    x = relu(b, conv(b, 'classifier.1', x, IMAGENET_CLASSES, 1, { bias: true, pad: 0 }));
    return b.op('Flatten', [b.op('GlobalAveragePool', [x])], { axis: 1 });
  }, 'SqueezeNet 1.1 (torchvision layout), seeded synthetic weights');
}

