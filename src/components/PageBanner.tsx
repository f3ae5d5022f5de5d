import React from 'react';
import { Banner } from '@kubed/components';
import { Docker } from '@kubed/icons';

/** The banner KubeSphere list pages open with: icon, title, one-line description. */
export function PageBanner({ title, description }: { title: string; description: string }) {
  return <Banner icon={<Docker />} title={title} description={description} />;
}
