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

/** The image the memory goal names: ~1.15 GB in six layers, one of them `sizeMB` (1 GB by default). */
export function gigabyteShape(sizeMB: number): Shape {
  const others = [64, 48, 24, 12, 6];
  const total = sizeMB + others.reduce((a, b) => a + b, 0);
  return {
    name: 'huge',
    describe: `${(total / 1024).toFixed(2)} GB: one ${sizeMB} MB layer and ${others.join(', ')} MB`,
    spec: {
      platforms: [
        {
          architecture: 'amd64',
          layers: [{ size: sizeMB * MB, seed: 'huge-0' }, ...others.map((mb, i) => ({ size: mb * MB, seed: `huge-${i + 1}` }))],
        },
      ],
      index: false,
    },
  };
}

/** The speed image: 128 MB over two platforms, a 48 MB base and a 16 MB runtime shared, 2 × 16 MB of each platform's own. */
export function twoPlatformShape(): Shape {
  return {
    name: 'two-platform',
    describe: '128 MB, 2 platforms: 2 shared layers (48 MB, 16 MB) + 2 own × 16 MB each',
    spec: {
      sharedLayers: { base: { size: 48 * MB, seed: 'two-base' }, runtime: { size: 16 * MB, seed: 'two-runtime' } },
      platforms: ['amd64', 'arm64'].map((architecture) => ({
        architecture,
        layers: ['base', 'runtime', ...layers(2, 16 * MB, `two-${architecture}`)],
      })),
    },
  };
}
