// Messages of the security office’s pages (/office/…).
export const zh = {} as const;

export const en: Record<keyof typeof zh, string> = {};
