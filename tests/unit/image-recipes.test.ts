// The offline engine's image options: three ranked recipes sized to the pictures, the resolver's choice by the quick
// check, repairs to lighter settings or simpler recipes, and Improve on an image run.
import { describe, expect, it } from 'vitest';
import { imageImprovement, imageResolve } from '../../core/offline/image-critic.ts';
import {
  imageInstructions,
  imageRecipe,
  imageRepair,
  imageStageBlocks,
} from '../../core/offline/image-template.ts';
import { OfflineInstructor } from '../../core/offline/offline-instructor.ts';
import { type DataProfile, dataProfileSchema, type TaskSpec, taskSpecSchema } from '../../core/types.ts';

const task: TaskSpec = taskSpecSchema.parse({
  description: 'Which kind of clothing is it?',
  dataType: 'image',
  metric: 'accuracy',
  targets: ['label'],
  idColumn: 'id',
  trainFile: '/tmp/x/train.csv',
  extraFiles: ['/tmp/x/images'],
  split: { kind: 'stratified', testFraction: 0.2 },
});

const column = (name: string, kind: 'id' | 'categorical') => ({
  name,
  kind,
  missingShare: 0,
  unique: 10,
  examples: [],
});
const profile: DataProfile = dataProfileSchema.parse({
  rows: 3000,
  columns: [column('id', 'id'), column('label', 'categorical'), column('path', 'id')],
  target: {
    names: ['label'],
    type: 'multiclass',
    classes: ['Bag', 'Coat', 'Dress'].map((value) => ({ value, count: 1000 })),
  },
  images: {
    count: 3000,
    testCount: 0,
    formats: ['png'],
    width: { min: 28, max: 28 },
    height: { min: 28, max: 28 },
    channels: [1],
    layout: 'labels csv',
    samples: [],
  },
});

describe('image recipes', () => {
  it('ranks the CNN, HOG with boosting and the PCA reference, sized to the pictures', async () => {
    const instructions = await new OfflineInstructor().instructions(task, profile);
    expect(instructions.map((i) => i.recipe?.id)).toEqual(['image-cnn', 'image-hog', 'image-pca']);
    expect(instructions[0]!.title).toBe(
      'Small CNN trained from scratch with augmentation, 3-fold CV on accuracy',
    );
    expect(instructions[0]!.recipe?.params).toMatchObject({ side: 28, epochs: 8, folds: 3 });
    expect(instructions[0]!.dataPreprocessing[0]).toBe(
      'Read each picture from `path` of train.csv, as grey 28×28 pixels scaled to [0, 1].',
    );
    expect(imageInstructions(task, profile)).toHaveLength(3);
  });

  it('writes each stage from the template for its recipe only', () => {
    const cnn = imageStageBlocks('architecture', task, profile, imageRecipe('image-cnn', profile));
    expect(cnn.map((b) => b.code).join('\n')).toContain('nn.Conv2d(CHANNELS, 16, 3, padding=1)');
    const hog = imageStageBlocks('preprocessing', task, profile, imageRecipe('image-hog', profile));
    const code = hog.map((b) => b.code).join('\n');
    expect(code).toContain('from skimage.feature import hog');
    expect(code).not.toContain('torch');
  });

  it('repairs: torch missing → HOG, too slow → fewer epochs then PCA, other failures → the simpler recipe', () => {
    const cnn = imageRecipe('image-cnn', profile);
    expect(imageRepair(cnn, "ModuleNotFoundError: No module named 'torch'", profile).recipe.id).toBe(
      'image-hog',
    );
    const slow = imageRepair(cnn, 'the script timed out after 600 s', profile);
    expect(slow.recipe).toMatchObject({ id: 'image-cnn', params: { epochs: 4, side: 28 } });
    expect(slow.fix).toBe('out of memory or time: 4 epochs on 28×28 pixels');
    expect(imageRepair(imageRecipe('image-hog', profile), 'MemoryError', profile).recipe.id).toBe(
      'image-pca',
    );
    expect(imageRepair(cnn, 'ValueError: bad shape', profile).recipe.id).toBe('image-hog');
  });

  it('the resolver takes the best quick CV and trains it longer', async () => {
    const instructions = await new OfflineInstructor().instructions(task, profile);
    const decision = imageResolve({
      task,
      profile,
      instructions,
      evidence: [
        { rank: 1, title: 'option', cvScore: 0.8, seconds: 20 },
        { rank: 2, title: 'option', cvScore: 0.7, seconds: 30 },
        { rank: 3, title: 'option', cvScore: 0.75, seconds: 10 },
      ],
    });
    expect(decision.chose).toBe(1);
    expect(decision.instruction.recipe?.params).toMatchObject({ epochs: 12 });
    expect(decision.rationale).toBe(
      'Option 1 has the best quick CV accuracy: option 1 0.8, option 3 0.75, option 2 0.7. Improvement: train for 12 epochs instead of 8.',
    );
  });

  it('Improve moves from the PCA reference to the CNN', () => {
    const [, , pca] = imageInstructions(task, profile);
    const step = imageImprovement(pca!, task, profile, null);
    expect(step.instruction.recipe?.id).toBe('image-cnn');
    expect(step.change).toBe('model: a small CNN learning from the pixels instead of PCA and a linear model');
  });
});
