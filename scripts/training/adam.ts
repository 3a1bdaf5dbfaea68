/** Adam (Kingma & Ba, 2015) over a set of Float32Array parameters with matching gradient buffers. */
export class Adam {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private step = 0;

  constructor(
    private readonly params: readonly Float32Array[],
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.m = params.map((p) => new Float32Array(p.length));
    this.v = params.map((p) => new Float32Array(p.length));
  }

  /** Applies one update with the given gradients (already averaged over the batch), then leaves them untouched. */
  update(grads: readonly Float32Array[], learningRate = this.learningRate): void {
    this.step++;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    this.params.forEach((param, k) => {
      const grad = grads[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      for (let i = 0; i < param.length; i++) {
        const g = grad[i]!;
        m[i] = this.beta1 * m[i]! + (1 - this.beta1) * g;
        v[i] = this.beta2 * v[i]! + (1 - this.beta2) * g * g;
        param[i]! -= (learningRate * (m[i]! / correction1)) / (Math.sqrt(v[i]! / correction2) + this.epsilon);
      }
    });
  }
}

/** Softmax cross-entropy on one row of logits: writes dLoss/dLogits into `grad` and returns the loss. */
export function softmaxCrossEntropy(logits: Float32Array, label: number, grad: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  for (let i = 0; i < logits.length; i++) grad[i] = Math.exp(logits[i]! - max) / sum - (i === label ? 1 : 0);
  return -(logits[label]! - max - Math.log(sum));
}

export function argmax(values: ArrayLike<number>, offset = 0, length = values.length): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}
