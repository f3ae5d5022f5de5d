// Routes and menus the console registers. Elements are created here but render only when visited:
// registering the extension makes no request.
import React from 'react';
// The pages are stand-ins that evaluate the page module on first render (src/start/pages.ts).
import { page, RegistriesPage, RegistryDetailPage, ProjectRegistriesPage, WorkspaceRegistriesPage, WizardPage } from '../start/pages';

const el = (C: React.ComponentType) => React.createElement(page(C));

export const PATHS = {
  clusterRoot: '/clusters/:cluster',
  clusterList: '/clusters/:cluster/image-registries',
  clusterDetail: '/clusters/:cluster/image-registries/:registry',
  clusterWizardNew: '/clusters/:cluster/image-registries/new',
  clusterWizardEdit: '/clusters/:cluster/image-registries/:registry/edit',
  projectRoot: '/:workspace/clusters/:cluster/projects/:namespace',
  projectList: '/:workspace/clusters/:cluster/projects/:namespace/image-registries',
  workspaceRoot: '/workspaces/:workspace',
  workspaceList: '/workspaces/:workspace/image-registries',
  workspaceProject: '/workspaces/:workspace/image-registries/:cluster/:namespace',
} as const;

export interface ExtensionRoute {
  parentRoute: string;
  children: Array<{ path: string; element: React.ReactElement }>;
}

export function buildRoutes(): ExtensionRoute[] {
  return [
    {
      parentRoute: PATHS.clusterRoot,
      children: [
        { path: PATHS.clusterList, element: el(RegistriesPage) },
        { path: PATHS.clusterWizardNew, element: el(WizardPage) },
        { path: PATHS.clusterWizardEdit, element: el(WizardPage) },
        { path: PATHS.clusterDetail, element: el(RegistryDetailPage) },
      ],
    },
    {
      // KubeSphere 4.1's project mount (checked against console v4.1.3). Whether 4.2 keeps it is not verified.
      parentRoute: PATHS.projectRoot,
      children: [{ path: PATHS.projectList, element: el(ProjectRegistriesPage) }],
    },
    {
      // Project admins' way in from the workspace (4.1; 4.2 not verified): a cluster + project picker.
      parentRoute: PATHS.workspaceRoot,
      children: [
        { path: PATHS.workspaceList, element: el(WorkspaceRegistriesPage) },
        { path: PATHS.workspaceProject, element: el(WorkspaceRegistriesPage) },
      ],
    },
  ];
}

export interface ExtensionMenu {
  parent: string;
  name: string;
  title: string;
  icon: string;
  order: number;
  authKey?: string;
  authAction?: string;
  skipAuth: boolean;
  desc?: string;
}

export const MENU_TITLE = 'HARBOR_CONNECT_MENU_IMAGE_REGISTRIES';
// A @kubed/icons export name in kebab case: the console's Icon throws on an unknown name.
export const MENU_ICON = 'docker';

export const menus: ExtensionMenu[] = [
  {
    // Cluster → Configuration. authKey 'secrets' + authAction 'view': the console shows it only to users
    // whose cluster role templates grant secrets view (checkNavItem → hasPermission({ module: 'secrets' })).
    parent: 'cluster.config',
    name: 'image-registries',
    title: MENU_TITLE,
    icon: MENU_ICON,
    order: 10,
    authKey: 'secrets',
    authAction: 'view',
    skipAuth: false,
  },
  {
    // Project → Configuration (KubeSphere 4.1; the group is named 'config' in the console's projectNavs).
    parent: 'project.config',
    name: 'image-registries',
    title: MENU_TITLE,
    icon: MENU_ICON,
    order: 10,
    authKey: 'secrets',
    authAction: 'view',
    skipAuth: false,
  },
  {
    // Workspace sidebar, the project admins' way in that needs no project mount. Project permissions are not in the
    // workspace's role templates, so the console cannot filter this entry; the page asks the API server
    // (dry runs of the requests, src/api/access.ts) per project and lists only the workspace's projects the user can see.
    parent: 'workspace',
    name: 'image-registries',
    title: MENU_TITLE,
    icon: MENU_ICON,
    order: 1,
    skipAuth: true,
  },
];
