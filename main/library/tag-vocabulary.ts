import type { TagGroup } from './asset-types.ts';

/**
 * The zero-shot vocabulary. Each group is one softmax (tags compete only with their own group),
 * with prompt templates ensembled per tag as in the CLIP paper. `scene` picks the primary
 * category; `objects` give subcategories.
 */
export interface VocabularyGroup {
  group: Exclude<TagGroup, 'custom'>;
  templates: string[];
  tags: string[];
}

export const TAG_VOCABULARY: readonly VocabularyGroup[] = [
  {
    group: 'scene',
    templates: ['a photo of {}', 'an image of {}'],
    tags: [
      'a landscape', 'a cityscape', 'an interior', 'a portrait', 'a product shot', 'food', 'an animal', 'a vehicle',
      'a texture', 'outer space', 'nature', 'architecture', 'a character', 'an abstract pattern', 'an icon', 'a technical diagram',
    ],
  },
  {
    group: 'objects',
    templates: ['a photo of a {}', 'a picture containing a {}'],
    tags: [
      'person', 'face', 'cat', 'dog', 'bird', 'horse', 'fish', 'flower', 'tree', 'grass', 'rock', 'stone wall', 'brick',
      'gravel', 'mountain', 'sky', 'cloud', 'water', 'beach', 'building', 'house', 'car', 'bicycle', 'rocket', 'airplane',
      'boat', 'cup', 'coffee', 'bottle', 'plate', 'fruit', 'bread', 'chair', 'table', 'lamp', 'book', 'phone', 'computer',
      'shoe', 'bag', 'clothing', 'jewelry', 'astronaut', 'star', 'galaxy', 'planet', 'eye', 'hand', 'road', 'window',
    ],
  },
  {
    group: 'colours',
    templates: ['a photo with {} colours', 'a mostly {} image'],
    tags: [
      'red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown', 'black', 'white', 'grey', 'gold', 'teal',
      'beige', 'pastel', 'vibrant', 'muted', 'monochrome', 'warm', 'cool',
    ],
  },
  {
    group: 'mood',
    templates: ['a {} image', 'a photo with a {} mood'],
    tags: [
      'calm', 'cheerful', 'dramatic', 'dark', 'mysterious', 'romantic', 'energetic', 'melancholic', 'playful', 'serene',
      'cosy', 'luxurious', 'minimal', 'futuristic', 'nostalgic', 'eerie', 'epic', 'friendly', 'elegant', 'gritty',
    ],
  },
  {
    group: 'style',
    templates: ['a {} image', 'an image in {} style'],
    tags: [
      'photorealistic', 'studio photography', 'film photography', 'watercolour', 'oil painting', 'pencil sketch',
      'line art', 'flat vector', 'isometric', 'pixel art', '3d render', 'low poly', 'anime', 'comic book', 'cel shaded',
      'concept art', 'matte painting', 'macro photography', 'aerial photography', 'microscopy', 'astrophotography',
      'vintage', 'cinematic', 'minimalist', 'surreal',
    ],
  },
  {
    group: 'composition',
    templates: ['a {} photo', 'an image with a {} composition'],
    tags: [
      'close-up', 'wide shot', 'top-down', 'centred', 'symmetrical', 'rule of thirds', 'full body', 'portrait orientation',
      'landscape orientation', 'shallow depth of field', 'busy background', 'plain background', 'silhouette', 'tiled',
      'seamless pattern', 'negative space', 'high angle', 'low angle',
    ],
  },
];

/** Human label of a scene tag used as a category ("a product shot" → "product shot"). */
export function sceneCategory(tag: string): string {
  return tag.replace(/^(a|an)\s+/i, '');
}
