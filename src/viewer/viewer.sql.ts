import DataLoader from "dataloader";
import type { LoaderDefinition } from "../server/context";

/** users.full_name by user id, null for a user with no row (dangling ids are normal). One query per batch. */
export const userNameLoader: LoaderDefinition<string, string | null> = (db) =>
  new DataLoader(async (ids) => {
    const users = await db.prisma.user.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, fullName: true },
    });
    const names = new Map(users.map((user) => [user.id, user.fullName]));
    return ids.map((id) => names.get(id) ?? null);
  });
