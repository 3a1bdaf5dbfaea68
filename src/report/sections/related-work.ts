/** Section 13: related work, with references. */
import type { Section } from '../document.js';

export const REFERENCES = [
  {
    key: 'tfserving',
    text: 'TensorFlow Serving. *Batching guide* (serving/tensorflow_serving/batching/README.md). [github.com/tensorflow/serving](https://github.com/tensorflow/serving/blob/master/tensorflow_serving/batching/README.md)',
  },
  {
    key: 'triton-ma',
    text: 'NVIDIA. *Triton Model Analyzer* and perf\\_analyzer. [github.com/triton-inference-server/model\\_analyzer](https://github.com/triton-inference-server/model_analyzer)',
  },
  {
    key: 'clipper',
    text: 'D. Crankshaw, X. Wang, G. Zhou, M. J. Franklin, J. E. Gonzalez, I. Stoica. *Clipper: A Low-Latency Online Prediction Serving System.* NSDI 2017. [arXiv:1612.03079](https://arxiv.org/abs/1612.03079)',
  },
  {
    key: 'infaas',
    text: 'F. Romero, Q. Li, N. J. Yadwadkar, C. Kozyrakis. *INFaaS: Automated Model-less Inference Serving.* USENIX ATC 2021. [usenix.org](https://www.usenix.org/conference/atc21/presentation/romero)',
  },
  {
    key: 'morphling',
    text: 'L. Wang, L. Yang, Y. Yu, W. Wang, B. Li, X. Sun, J. He, L. Zhang. *Morphling: Fast, Near-Optimal Auto-Configuration for Cloud-Native Model Serving.* ACM SoCC 2021. [doi:10.1145/3472883.3486987](https://doi.org/10.1145/3472883.3486987)',
  },
  {
    key: 'mlperf',
    text: 'V. J. Reddi et al. *MLPerf Inference Benchmark.* ISCA 2020. [arXiv:1911.02549](https://arxiv.org/abs/1911.02549)',
  },
  {
    key: 'jamshidi-ase17',
    text: 'P. Jamshidi, N. Siegmund, M. Velez, C. Kästner, A. Patel, Y. Agarwal. *Transfer Learning for Performance Modeling of Configurable Systems: An Exploratory Analysis.* ASE 2017. [arXiv:1709.02280](https://arxiv.org/abs/1709.02280)',
  },
  {
    key: 'jamshidi-seams17',
    text: 'P. Jamshidi, M. Velez, C. Kästner, N. Siegmund, P. Kawthekar. *Transfer Learning for Improving Model Predictions in Highly Configurable Software.* SEAMS 2017. [arXiv:1704.00234](https://arxiv.org/abs/1704.00234)',
  },
] as const;

export function relatedWorkSection(): Section {
  return {
    id: 'related-work',
    title: 'Related work',
    blocks: [
      {
        kind: 'paragraph',
        text:
          '**Serving knobs.** The TensorFlow Serving batching guide [1] explains the trade-off this study measures: larger batches and ' +
          'longer batch timeouts raise throughput at the cost of latency, and its advice (tune `max_batch_size`, ' +
          '`batch_timeout_micros` and `num_batch_threads` by hand, starting from the core count) is what the design space here sweeps ' +
          'systematically. Triton Model Analyzer [2] searches batch size, instance count and dynamic batching for one model at a time ' +
          'with perf\\_analyzer, and reports latency and throughput, but neither energy nor whether a configuration carries over to ' +
          'another model.',
      },
      {
        kind: 'paragraph',
        text:
          '**Adaptive serving systems.** Clipper [3] adapts the batch size online per model container (additive increase, ' +
          'multiplicative decrease against a latency objective) and caches predictions. INFaaS [4] picks a model variant and hardware ' +
          'per query from latency and accuracy requirements. Morphling [5] meta-learns a performance model offline and adapts it to a ' +
          'new inference service with about 30 samples out of 720 configurations. These systems tune for one objective online; ' +
          'servelab measures the space offline, over latency and energy, to explain which knobs matter and whether tuning transfers.',
      },
      {
        kind: 'paragraph',
        text:
          '**Measurement methodology.** MLPerf Inference [6] defines the load scenarios (single stream, server with Poisson arrivals, ' +
          'offline), times latency from the scheduled issue of each query so queueing is not hidden, and requires minimum query counts ' +
          'for tail percentiles. servelab follows its timing rule; MLPerf Power reports energy per query for single-stream runs, ' +
          'the counterpart of the energy per inference reported here.',
      },
      {
        kind: 'paragraph',
        text:
          '**Transfer of performance models.** Jamshidi et al. [7] studied how performance models of configurable systems transfer ' +
          'across hardware, workloads and versions, with the correlation, divergence, top-configuration overlap and option-influence ' +
          'measures used in the transfer section; small environment changes allowed linear transfer, and severe ones still preserved ' +
          'influential options and interactions. Their cost-aware transfer learning [8] corrects a model learned in a cheap source ' +
          'environment with a few target samples, the transfer variant in the prediction section. Here the environments are DNN ' +
          'architectures, input workloads and load levels rather than hardware and software versions.',
      },
      { kind: 'heading', text: 'References' },
      { kind: 'list', ordered: true, items: REFERENCES.map((reference) => reference.text) },
    ],
  };
}
