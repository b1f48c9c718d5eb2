// The images the bench copies. Sizes are pseudo-random bytes (incompressible), stored gzip.
import type { ImageSpec } from '../test/support/images.js';

const MB = 1024 * 1024;
const KB = 1024;

export interface Shape {
  name: string;
  describe: string;
  spec: ImageSpec;
}

function layers(count: number, size: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => ({ size, seed: `${prefix}-${i}` }));
}

export function standardShapes(largeMB: number): Shape[] {
  return [
    {
      name: 'small',
      describe: '50 layers × 100 KB',
      spec: { platforms: [{ architecture: 'amd64', layers: layers(50, 100 * KB, 'small') }], index: false },
    },
    {
      name: 'large',
      describe: `3 layers × ${largeMB} MB`,
      spec: { platforms: [{ architecture: 'amd64', layers: layers(3, largeMB * MB, 'large') }], index: false },
    },
    {
      name: 'multi',
      describe: '3 platforms; 2 shared layers (16 MB, 4 MB) + 2 own × 2 MB each',
      spec: {
        sharedLayers: { base: { size: 16 * MB, seed: 'multi-base' }, runtime: { size: 4 * MB, seed: 'multi-runtime' } },
        platforms: ['amd64', 'arm64', 's390x'].map((architecture) => ({
          architecture,
          layers: ['base', 'runtime', ...layers(2, 2 * MB, `multi-${architecture}`)],
        })),
      },
    },
  ];
}

export function layerCountShape(count: number, size: number): Shape {
  return {
    name: `layers-${count}`,
    describe: `${count} layer(s) × ${Math.round(size / KB)} KB`,
    spec: { platforms: [{ architecture: 'amd64', layers: layers(count, size, `count-${count}`) }], index: false },
  };
}

export function numberedImage(i: number): Shape {
  return {
    name: `img-${i}`,
    describe: '4 layers × 256 KB',
    spec: { platforms: [{ architecture: 'amd64', layers: layers(4, 256 * KB, `img-${i}`) }], index: false },
  };
}

export function gigabyteShape(sizeMB: number): Shape {
  return {
    name: 'huge',
    describe: `1 layer × ${sizeMB} MB`,
    spec: { platforms: [{ architecture: 'amd64', layers: layers(1, sizeMB * MB, 'huge') }], index: false },
  };
}
